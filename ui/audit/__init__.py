"""The Audit screen: who did and saw what, filtered, exported, and the chain checked."""
