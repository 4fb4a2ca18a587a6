"""The user's own account on screen: signing in, the first administrator of a database,
changing one's password, and the idle lock."""
