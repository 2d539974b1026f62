"""The inventory: institutions, countries and regions."""
