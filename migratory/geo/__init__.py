"""Geography: geocoding (geopy) and, later, maps (folium). Only here."""
