"""Security evidence: secrets never leak, injection is neutralised, only agents act."""
