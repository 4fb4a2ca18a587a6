"""The Users screen: administrators add accounts, disable and enable them, reset passwords
and change roles."""
