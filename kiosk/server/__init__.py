"""kiosk-hall: the hall core behind HTTP for many kiosks and staff windows (kiosk.server.app)."""
