"""The REST API, one module per resource; each view is one operation with its nested Input/OutputSerializer."""
