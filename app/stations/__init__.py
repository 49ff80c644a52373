"""The floor's step engines: given a station's state and one input (a scan or a key), call the services and
return the next prompt as plain data. The Textual screens and `pickpack station` (one JSON line per input) are
two views of the same engines."""
