"""Pure rules of the definitions: no database, no Qt, no I/O."""
