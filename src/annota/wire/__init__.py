"""Request and response models shared by the API and the SDK (the OpenAPI spec's source)."""
