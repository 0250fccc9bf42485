"""Users and roles: the ground floor every app's access rules build on."""
