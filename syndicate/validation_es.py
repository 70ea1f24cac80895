"""Spanish for pydantic's error types, shared by every reader of ``syndicate/``.

The manifest, the ledger and the syndication options each say in Spanish what a field should
have been, never the value itself (it may be a secret, or anything a live site served). A
reader adds or rewords the few types whose meaning is its own.
"""

EXPECTED = {
    "missing": "falta este campo",
    "string_type": "se esperaba un texto",
    "int_type": "se esperaba un número entero",
    "int_parsing": "se esperaba un número entero",
    "int_from_float": "se esperaba un número entero",
    "float_type": "se esperaba un número",
    "float_parsing": "se esperaba un número",
    "bool_type": "se esperaba true o false",
    "bool_parsing": "se esperaba true o false",
    "datetime_type": "se esperaba una fecha y hora ISO 8601",
    "datetime_parsing": "se esperaba una fecha y hora ISO 8601",
    "datetime_from_date_parsing": "se esperaba una fecha y hora ISO 8601",
    "literal_error": "valor no permitido",
    "tuple_type": "se esperaba una lista",
    "list_type": "se esperaba una lista",
    "dict_type": "se esperaba un objeto",
    "model_type": "se esperaba un objeto",
    "model_attributes_type": "se esperaba un objeto",
    "extra_forbidden": "campo desconocido",
    "unexpected_keyword_argument": "campo desconocido",
}
