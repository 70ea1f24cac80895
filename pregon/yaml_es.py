"""PyYAML's reason for refusing a text, in Spanish, for the messages that quote it.

Editors and office staff read these messages (a release's front matter, mkdocs.yml), so PyYAML's
English (``mapping values are not allowed here``) is translated; the character or token it quotes
is kept. A reason this table does not know is reported as «sintaxis inválida», never in English.
"""

from __future__ import annotations

import re

import yaml

_FOUND = r"(?P<found>.+)"

_REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), spanish)
    for pattern, spanish in (
        # libyaml (the C parser the build uses) says it without quoting what it found.
        (r"found character that cannot start any token", "hay un carácter que no puede empezar un valor; ponga el valor entre comillas"),
        (r"did not find expected node content", "falta un valor; ponga el texto entre comillas"),
        (r"did not find expected alphabetic or numeric character", "se esperaba una letra o un número; un valor que empieza con «&» o «*» va entre comillas"),
        (r"did not find expected (?:comment or line break|whitespace or line break)", "después de cerrar las comillas solo puede ir un comentario"),
        (r"could not find expected directive name|found unknown directive name|found unexpected non-alphabetical character", "un renglón que empieza con «%» va entre comillas"),
        (r"did not find expected <document start>", "se esperaba «---», el comienzo de un documento nuevo"),
        (r"did not find expected ',' or '\]'", "se esperaba «,» o «]»: cierre el corchete de la lista"),
        (r"did not find expected ',' or '\}'", "se esperaba «,» o «}}»: cierre la llave"),
        (r"did not find expected key", "la sangría no cuadra: se esperaba el nombre de un campo"),
        (r"did not find expected '-' indicator", "la sangría no cuadra: se esperaba un elemento de lista «- »"),
        (r"mapping values are not allowed in this context", "hay un «:» que no separa un campo de su valor; ponga el valor entre comillas"),
        (r"mapping keys are not allowed in this context", "aquí no puede empezar un campo"),
        (r"block sequence entries are not allowed in this context", "aquí no puede empezar una lista «- »"),
        (r"found an indentation indicator equal to 0", "después de «|» o «>» la sangría va de 1 a 9"),
        (r"did not find URI escaped octet|did not find expected tag URI|found undefined tag handle", "un valor que empieza con «!» es una etiqueta de YAML; ponga el valor entre comillas"),
        (r"found a tab character", "hay un tabulador: use espacios para la sangría"),
        (r"found undefined alias$", "un valor que empieza con «*» va entre comillas"),
        (r"found unknown escape character$", "hay una secuencia «\\» que no existe entre comillas dobles; use comillas simples"),
        (r"found an incorrect (?:leading|trailing) UTF-8 octet|invalid (?:leading|trailing) UTF-8 octet", "el texto no está en UTF-8"),
        (r"exceeded maximum nesting depth", "tiene demasiados niveles anidados"),
        (r"aliases expand the document beyond the limit", "sus alias «*» repiten los valores tantas veces que el documento no tendría fin; escriba cada valor completo"),
        (r"found unexpected '(?P<found>.)'", "hay un «{found}» que no puede estar ahí; ponga el valor entre comillas"),
        # PyYAML (pure Python) quotes what it found.
        (r"mapping values are not allowed here", "hay un «:» que no separa un campo de su valor; ponga el valor entre comillas"),
        (r"could not find expected ':'", "falta «:» después del nombre del campo"),
        (r"found character '\\t' that cannot start any token", "hay un tabulador: use espacios para la sangría"),
        (rf"found character {_FOUND} that cannot start any token", "el carácter {found} no puede empezar un valor; ponga el valor entre comillas"),
        (r"found unexpected end of stream", "el texto termina antes de cerrar unas comillas o un corchete"),
        (rf"expected ',' or '\]', but got {_FOUND}", "se esperaba «,» o «]» y se encontró {found}"),
        (rf"expected ',' or '\}}', but got {_FOUND}", "se esperaba «,» o «}}» y se encontró {found}"),
        (rf"expected <block end>, but found {_FOUND}", "la sangría no cuadra: se encontró {found} donde terminaba un bloque"),
        (rf"expected the node content, but found {_FOUND}", "falta un valor antes de {found}"),
        (rf"found undefined alias {_FOUND}", "el alias {found} no existe; un valor que empieza con «*» va entre comillas"),
        (rf"found unknown escape character {_FOUND}", "la secuencia {found} no existe entre comillas dobles; use comillas simples"),
        (rf"expected alphabetic or numeric character, but found {_FOUND}", "se esperaba una letra o un número y se encontró {found}; un valor que empieza con «&» o «*» va entre comillas"),
        (rf"expected a comment or a line break, but found {_FOUND}", "después de cerrar las comillas solo puede ir un comentario; se encontró {found}"),
        (r"sequence entries are not allowed here", "aquí no puede empezar una lista «- »"),
        (r"mapping keys are not allowed here", "aquí no puede empezar un campo"),
        (r"found duplicate anchor|second occurrence", "el ancla «&» aparece dos veces"),
        (rf"expected chomping or indentation indicators, but found {_FOUND}", "después de «|» o «>» no puede ir {found}; ponga el valor entre comillas"),
        (r"failed to decode base64", "el valor marcado !!binary no es base64"),
        (r"expected URI|expected '!'|expected ' ', but found|constructor for the tag|expected non-empty name appended to the tag",
         "un valor que empieza con «!» es una etiqueta de YAML; ponga el valor entre comillas"),
        (r"expected indentation indicator in the range 1-9", "después de «|» o «>» la sangría va de 1 a 9"),
        (rf"expected '<document start>', but found {_FOUND}", "se esperaba «---», el comienzo de un documento nuevo, y se encontró {found}"),
        (r"found unhashable key", "el nombre de un campo no puede ser una lista ni un mapa"),
        (r"can't decode byte", "el texto no está en UTF-8"),
        (r"special characters are not allowed", "tiene un carácter de control"),
        (r"expected a single document in the stream|but found another document", "hay más de un documento YAML, separados por «---»"),
    )
)  # fmt: skip


_TOKENS = {
    "'<scalar>'": "un texto",
    "'<block mapping start>'": "un campo con otra sangría",
    "'<block sequence start>'": "una lista con otra sangría",
    "'<block end>'": "el fin de un bloque",
    "'<stream end>'": "el final del texto",
    "'<document start>'": "un «---»",
    "'<document end>'": "un «...»",
    "'?'": "un campo",
    "'<tag>'": "una etiqueta «!»",
    "'<anchor>'": "un ancla «&»",
    "'<alias>'": "un alias «*»",
}
"""PyYAML's names for what it found, as an editor would say them."""


def _named(found: str) -> str:
    if found in _TOKENS:
        return _TOKENS[found]
    return "otro elemento" if found.startswith("'<") else found


def problem_line(exc: yaml.YAMLError) -> int | None:
    """The 1-based line PyYAML stopped at, or None when it gave none."""
    mark = getattr(exc, "problem_mark", None)
    return mark.line + 1 if mark is not None else None


def yaml_line(exc: yaml.YAMLError) -> str:
    """``":N"`` with the line PyYAML stopped at, to follow a path; empty when it gave none."""
    line = problem_line(exc)
    return f":{line}" if line is not None else ""


def yaml_reason(exc: yaml.YAMLError) -> str:
    """Why PyYAML refused the text, in Spanish (see the module notes)."""
    problem = str(getattr(exc, "problem", None) or "")
    for pattern, spanish in _REASONS:
        match = pattern.search(problem)
        if match:
            return spanish.format(**{k: _named(v) for k, v in match.groupdict().items()})
    return "sintaxis inválida"
