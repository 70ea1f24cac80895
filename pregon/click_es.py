"""Spanish for click's own messages ("Usage:", "Missing argument", "Show this message and exit.").

click marks its texts for gettext (``_()`` and ``ngettext()`` bound in each of its modules) but ships
no Spanish catalogue. :func:`install` points those names at the catalogue below, so every message
of the ``pregon`` command is in Spanish, click's included. A text click adds in a later version and
that is missing here stays in English: ``tests/test_cli.py`` lists click's marked texts and fails
when one is not translated.
"""

from __future__ import annotations

import importlib

import click

SINGULAR: dict[str, str] = {
    "Aborted!": "¡Cancelado!",
    "deprecated": "obsoleto",
    "Options": "Opciones",
    "Positional arguments": "Argumentos",
    "Commands": "Comandos",
    "Missing command.": "Falta el comando.",
    "Value must be an iterable.": "El valor debe ser una lista.",
    "Name '{name}' defined twice": "El nombre '{name}' está definido dos veces",
    "env var: {var}": "variable de entorno: {var}",
    "default: {default}": "por omisión: {default}",
    "(dynamic)": "(dinámico)",
    "required": "obligatorio",
    "Do you want to continue?": "¿Desea continuar?",
    "Confirm the action without prompting.": "Confirma la acción sin preguntar.",
    "%(prog)s, version %(version)s": "%(prog)s, versión %(version)s",
    "Show the version and exit.": "Muestra la versión y termina.",
    "Show this message and exit.": "Muestra esta ayuda y termina.",
    "Error: {message}": "Error: {message}",
    "Try '{command} {option}' for help.": "Use '{command} {option}' para ver la ayuda.",
    "Invalid value: {message}": "Valor inválido: {message}",
    "Invalid value for {param_hint}: {message}": "Valor inválido para {param_hint}: {message}",
    "Missing argument": "Falta el argumento",
    "Missing option": "Falta la opción",
    "Missing parameter": "Falta el parámetro",
    "Missing {param_type}": "Falta {param_type}",
    "Missing parameter: {param_name}": "Falta el parámetro: {param_name}",
    "No such option {name!r}.": "No existe la opción {name!r}.",
    "No such command {name!r}.": "No existe el comando {name!r}.",
    "unknown error": "error desconocido",
    "Could not open file {filename!r}: {message}": "No se pudo abrir el archivo {filename!r}: {message}",
    "Usage:": "Uso:",
    "Invalid start character for option ({option})": "Carácter inicial inválido para una opción ({option})",
    "Argument {name!r} takes {nargs} values.": "El argumento {name!r} lleva {nargs} valores.",
    "Option {name!r} does not take a value.": "La opción {name!r} no lleva valor.",
    "Repeat for confirmation": "Repita para confirmar",
    "Error: The two entered values do not match.": "Error: los dos valores no coinciden.",
    "Error: invalid input": "Error: entrada inválida",
    "Unknown color {colour!r}": "Color desconocido {colour!r}",
    "Press any key to continue...": "Pulse una tecla para continuar...",
    "Choose from:\n\t{choices}": "Elija entre:\n\t{choices}",
    "Choice({choices})": "Opción({choices})",
    "{value!r} is not a valid {number_type}.": "{value!r} no es un {number_type} válido.",
    "{value} is not in the range {range}.": "{value} no está en el rango {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "{value!r} no es un valor de sí o no. Valores reconocidos: {states}"
    ),
    "{value!r} is not a valid UUID.": "{value!r} no es un UUID válido.",
    "file": "archivo",
    "directory": "carpeta",
    "path": "ruta",
    "{name} {filename!r} does not exist.": "{name} {filename!r} no existe.",
    "{name} {filename!r} is a file.": "{name} {filename!r} es un archivo.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} es una carpeta.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} no se puede leer.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} no se puede escribir.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} no es ejecutable.",
    "Unknown standard stream '{name}'": "Flujo estándar desconocido '{name}'",
    "{editor}: Editing failed": "{editor}: falló la edición",
    "{editor}: Editing failed: {e}": "{editor}: falló la edición: {e}",
    "Windows error: {error}": "Error de Windows: {error}",
    "d": "d",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": (
        "Aviso: el comando {name!r} está obsoleto.{extra_message}"
    ),
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": (
        "Aviso: {param_type} {name!r} está obsoleto.{extra_message}"
    ),
    "Boolean option {decl!r} cannot use the same flag for true/false.": (
        "La opción de sí o no {decl!r} no puede usar la misma marca para sí y para no."
    ),
    "Could not determine name for option with declarations {decls!r}": (
        "No se pudo determinar el nombre de la opción declarada como {decls!r}"
    ),
    "No options defined but a name was passed ({name}). Did you mean to declare an argument "
    "instead? Did you mean to pass '--{name}'?": (
        "No hay opciones definidas pero se pasó un nombre ({name}). ¿Quería declarar un argumento? "
        "¿Quería pasar '--{name}'?"
    ),
    "Arguments take exactly one parameter declaration, got {length}: {decls}.": (
        "Un argumento lleva exactamente una declaración; se recibieron {length}: {decls}."
    ),
    "Shell completion is not supported for Bash versions older than 4.4.": (
        "El autocompletado no funciona con versiones de Bash anteriores a la 4.4."
    ),
    "Couldn't detect Bash version, shell completion is not supported.": (
        "No se pudo detectar la versión de Bash; no hay autocompletado."
    ),
}

PLURAL: dict[tuple[str, str], tuple[str, str]] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): (
        "Sobra un argumento ({args})",
        "Sobran argumentos ({args})",
    ),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): (
        "Lleva {nargs} valores pero se dio 1.",
        "Lleva {nargs} valores pero se dieron {len}.",
    ),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): (
        "¿Quiso decir {possibility}?",
        "(¿Quiso decir alguno de estos?: {possibilities})",
    ),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): (
        "La opción {name!r} necesita un valor.",
        "La opción {name!r} necesita {nargs} valores.",
    ),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        "{value!r} no es {choice}.",
        "{value!r} no es ninguno de estos: {choices}.",
    ),
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."): (
        "{value!r} no tiene el formato {format}.",
        "{value!r} no tiene ninguno de los formatos {formats}.",
    ),
    (
        "{len_type} values are required, but {len_value} was given.",
        "{len_type} values are required, but {len_value} were given.",
    ): (
        "Se necesitan {len_type} valores, pero se dio {len_value}.",
        "Se necesitan {len_type} valores, pero se dieron {len_value}.",
    ),
}

# Metavars click prints in usage lines and option lists.
OPTIONS_METAVAR = "[OPCIONES]"
SUBCOMMAND_METAVAR = "COMANDO [ARGUMENTOS]..."
TYPE_NAMES = {
    "text": "texto",
    "integer": "entero",
    "integer range": "entero",
    "float": "número",
    "float range": "número",
    "boolean": "sí/no",
    "path": "ruta",
    "datetime": "fecha y hora",
    "uuid": "UUID",
    "filename": "archivo",
}

_MODULES = (
    "core",
    "decorators",
    "exceptions",
    "formatting",
    "parser",
    "shell_completion",
    "termui",
    "types",
    "utils",
    "_termui_impl",
)


def gettext(message: str) -> str:
    return SINGULAR.get(message, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    forms = PLURAL.get((singular, plural))
    if forms is None:
        return singular if count == 1 else plural
    return forms[0] if count == 1 else forms[1]


def install() -> None:
    """Make click speak Spanish (idempotent)."""
    for name in _MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
    for param_type in (click.STRING, click.INT, click.FLOAT, click.BOOL, click.UUID):
        param_type.name = TYPE_NAMES.get(param_type.name, param_type.name)
    # Classes whose instances each command creates (IntRange(1, 65436), Path(…)).
    for param_class in (click.IntRange, click.FloatRange, click.DateTime, click.File):
        param_class.name = TYPE_NAMES.get(param_class.name, param_class.name)
    click.Path.name = TYPE_NAMES["path"]  # click names each Path by what it accepts; one word here


def localise(command: click.Command) -> click.Command:
    """Spanish metavars for ``command`` and its subcommands ("[OPCIONES]", "COMANDO"), and whole
    descriptions in a group's list of commands (click would cut each at 45 characters with "...")."""
    command.options_metavar = OPTIONS_METAVAR
    if isinstance(command, click.Group):
        command.subcommand_metavar = SUBCOMMAND_METAVAR
        for sub in command.commands.values():
            if not sub.short_help and sub.help:
                sub.short_help = sub.get_short_help_str(limit=1000)
            localise(sub)
    return command
