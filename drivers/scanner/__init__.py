"""QR code scanning: decoders for camera frames (no Qt, no kiosk imports)."""
from drivers.scanner.decoders import (Decoder, DecoderChain, OpenCVDecoder, Transformed, ZbarDecoder, ZxingDecoder,
                                      all_decoders, default_decoder, payload_from_json, payload_to_json)

__all__ = ["Decoder", "DecoderChain", "OpenCVDecoder", "Transformed", "ZbarDecoder", "ZxingDecoder", "all_decoders",
           "default_decoder", "payload_from_json", "payload_to_json"]
