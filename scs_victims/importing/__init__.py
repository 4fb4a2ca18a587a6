"""Reading CSV files from other systems: incidents and wards (formats.md)."""
