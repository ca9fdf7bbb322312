"""ESC/POS ticket printer: status bytes, ticket layout, and the driver over serial, USB and TCP."""
