"""The Qt desktop front end of SCS Victims; it reaches the core only through ui.operations."""
