"""Users, organizations and the role each user holds in each organization."""
