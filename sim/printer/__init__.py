"""Virtual ESC/POS ticket printer: protocol engine (virtual_printer), wires (transports), CLI."""
