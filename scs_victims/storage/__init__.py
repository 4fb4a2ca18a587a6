"""Storage: the schema, the engine with its pragmas, migrations and backups.

Only this package may contain SQL written for one database engine; everything above it uses
SQLAlchemy expressions so that a PostgreSQL URL works without touching the rules.
"""
