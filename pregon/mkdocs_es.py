"""MkDocs' configuration messages, said in Spanish.

MkDocs validates mkdocs.yml with its own English messages («Config value 'plugins': Plugin
'pregon' option 'entity': Expected type: <class 'str'> but received: <class 'NoneType'>»). Every
``pregon`` command that reads the configuration through MkDocs, and the plugin for its own options
during ``mkdocs build``, show them through :func:`spanish`, which knows the wording of each
validator of MkDocs 1.6 (``mkdocs.config.config_options``). A message it does not recognise is kept
as MkDocs wrote it rather than guessed at.

:func:`option_path` recovers the option a message is about (``plugins → pregon → entity →
press_contact``), so the caller can look up its line in the file; :func:`split` separates the problems MkDocs reports as one.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .safe_text import clip

_TYPE_NAMES = {
    "str": "un texto",
    "int": "un número entero",
    "float": "un número",
    "bool": "true o false",
    "list": "una lista",
    "tuple": "una lista",
    "dict": "un mapa (clave: valor)",
    "NoneType": "un valor vacío",
    "datetime.date": "una fecha",
    "datetime.datetime": "una fecha y hora",
}

_CLASS = re.compile(r"<class '([\w.]+)'>")


def type_name(value: object) -> str:
    """What kind of YAML value ``value`` is, in Spanish («una fecha», «un número entero»)."""
    kind = type(value)
    name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
    return _TYPE_NAMES.get(name, "un valor de otro tipo")


def _type_names(text: str) -> str:
    """«<class 'str'>» or «(<class 'str'>, <class 'datetime.date'>)» as Spanish type names."""
    names = [_TYPE_NAMES.get(name, name) for name in _CLASS.findall(text)]
    unique = list(dict.fromkeys(names))
    if not unique:
        return clip(text.strip())
    return unique[0] if len(unique) == 1 else ", ".join(unique[:-1]) + " o " + unique[-1]


_ITEM = re.compile(r"dict with keys \((?P<keys>.*)\)|a (?P<kind>\w+): (?P<value>.*)|(?P<plain>.*)", re.S)


def _got(described: str) -> str:
    """MkDocs' nav description of a value (``Nav._repr_item``): «dict with keys ('a', 'b')»,
    «a int: -1», or the repr of a text or of None."""
    match = _ITEM.fullmatch(described.strip())
    assert match is not None  # the last alternative matches anything
    if match["keys"] is not None:
        return f"un mapa con {len([k for k in match['keys'].split(',') if k.strip()])} claves"
    if match["kind"] is not None:
        return f"{_TYPE_NAMES.get(match['kind'], 'un valor')} ({clip(match['value'])})"
    plain = match["plain"]
    return "un valor vacío" if plain == "None" else f"el texto {clip(plain)}"


# (pattern, rewrite) in the order MkDocs' validators word them; each pattern matches a whole message.
_RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"Expected type: (.+?) with length (\d+) but received: .+ with length (\d+)", re.S),
        lambda m: f"se esperaba {_type_names(m[1])} de {m[2]} elementos y tiene {m[3]}",
    ),
    (
        re.compile(r"Expected type: (.+?) for keys, but received: (.+?) \(key=(.*)\)", re.S),
        lambda m: f"cada clave debe ser {_type_names(m[1])}; «{clip(m[3])}» es {_type_names(m[2])}",
    ),
    (
        re.compile(r"Expected type: (.+?) but received: (.+)", re.S),
        lambda m: f"se esperaba {_type_names(m[1])} y se encontró {_type_names(m[2])}",
    ),
    (
        re.compile(r"The configuration is invalid\. Expected a key-value mapping \(dict\) but received: (.+)", re.S),
        lambda m: f"se esperaba un mapa (clave: valor) y se encontró {_type_names(m[1])}",
    ),
    (
        re.compile(r"Expected a (list|dict) of items, but a (.+) was given\.", re.S),
        lambda m: f"se esperaba {_TYPE_NAMES[m[1]]} y se encontró {_type_names(m[2])}",
    ),
    (
        re.compile(r"Expected a multiline string, but a (.+) was given\.", re.S),
        lambda m: f"se esperaba un texto de varias líneas y se encontró {_type_names(m[1])}",
    ),
    (
        re.compile(r"Expected a string, got (.+)", re.S),
        lambda m: f"se esperaba un texto y se encontró {_type_names(m[1])}",
    ),
    (
        re.compile(r"Expected boolean but received: (.+)", re.S),
        lambda m: f"se esperaba true o false y se encontró {_type_names(m[1])}",
    ),
    (
        re.compile(r"Expected one of: \((.*)\) but received: (.+)", re.S),
        lambda m: f"debe ser uno de estos valores: {m[1].replace(chr(39), '')}; se encontró {clip(m[2])}",
    ),
    (re.compile(r"Required configuration not provided\."), lambda m: "falta este valor obligatorio"),
    (
        re.compile(r"Expected one of (\[.*\]), got (.+)", re.S),
        lambda m: f"debe ser uno de estos valores: {m[1].strip('[]').replace(chr(39), '')}; se encontró {clip(m[2])}",
    ),
    (
        re.compile(r"Must be a string of format 'IP:PORT'"),
        lambda m: "se esperaba una dirección y un puerto, «127.0.0.1:8000»",
    ),
    (re.compile(r"'(.*)' is not a valid port", re.S), lambda m: f"«{clip(m[1])}» no es un puerto"),
    (
        re.compile(r"Unknown template substitute: (.*)", re.S),
        lambda m: f"la plantilla usa {clip(m[1])}, que no existe (use {{path}} o {{path_noext}})",
    ),
    (
        re.compile(r"Expected nav to be a list, got (.*)", re.S),
        lambda m: f"el menú debe ser una lista; se encontró {_got(m[1])}",
    ),
    (
        re.compile(r"Expected nav item to be a string or dict, got (.*)", re.S),
        lambda m: f"cada entrada del menú es «Título: página» o una página; se encontró {_got(m[1])}",
    ),
    (
        re.compile(r"Expected nav item to be a dict of size 1, got (.*)", re.S),
        lambda m: f"cada entrada del menú tiene un solo «Título: página»; se encontró {_got(m[1])}",
    ),
    (
        re.compile(r"Invalid Markdown Extensions configuration"),
        lambda m: "cada extensión de Markdown es un nombre o «nombre: {opciones}»",
    ),
    (
        re.compile(r"'(.*)' is not a valid Markdown Extension name\.", re.S),
        lambda m: f"«{clip(m[1])}» no es un nombre de extensión de Markdown",
    ),
    (
        re.compile(r"Invalid config options for Markdown Extension '(.*)'\.", re.S),
        lambda m: f"las opciones de la extensión de Markdown «{clip(m[1])}» deben ser un mapa (clave: valor)",
    ),
    (
        re.compile(r"Failed to load extension '(.*?)'\..*", re.S),
        lambda m: f"no se pudo cargar la extensión de Markdown «{clip(m[1])}» (¿está bien escrita e instalada?)",
    ),
    (
        re.compile(r"Invalid Plugins configuration(?:\. Expected a list or dict\.)?"),
        lambda m: "`plugins` es una lista de plugins, cada uno un nombre o «nombre: {opciones}»",
    ),
    (
        re.compile(r"'(.*)' is not a valid plugin name\.", re.S),
        lambda m: f"«{clip(m[1])}» no es un nombre de plugin",
    ),
    (
        re.compile(r'The "(.*)" plugin is not installed', re.S),
        lambda m: f"el plugin «{clip(m[1])}» no está instalado",
    ),
    (
        re.compile(r"Invalid config options for the '(.*)' plugin\.", re.S),
        lambda m: f"las opciones del plugin «{clip(m[1])}» deben ser un mapa (clave: valor)",
    ),
    (
        re.compile(r"Unrecognised theme name: '(.*)'\. The available installed themes are: (.*)", re.S),
        lambda m: f"no hay un tema «{clip(m[1])}» instalado; los instalados son: {m[2]}",
    ),
    (re.compile(r"No theme name set\."), lambda m: "falta el nombre del tema (`theme: name: material`)"),
    (
        re.compile(r"Invalid type (.+)\. Expected a string or key/value pairs\.", re.S),
        lambda m: f"se esperaba el nombre del tema o un mapa (name: material, …) y se encontró {_type_names(m[1])}",
    ),
    (
        re.compile(r"The path set in custom_dir \('(.*)'\) does not exist\.", re.S),
        lambda m: f"la carpeta de `custom_dir` («{clip(m[1])}») no existe",
    ),
    (
        re.compile(r"The theme '(.*?)' (?:does not appear to have a configuration file|inherits from).*", re.S),
        lambda m: f"el tema «{clip(m[1])}» no está completo o depende de otro que no está instalado",
    ),
    (
        re.compile(r"At least one of 'name' or 'custom_dir' must be defined\."),
        lambda m: "el tema necesita `name` o `custom_dir`",
    ),
    (re.compile(r"'locale' must be a string\."), lambda m: "`locale` debe ser un texto"),
    (
        re.compile(r"The path '(.*)' isn't an existing (file|directory)\.", re.S),
        lambda m: f"«{clip(m[1])}» no es {'un archivo' if m[2] == 'file' else 'una carpeta'} que exista",
    ),
    (
        re.compile(r"The URL isn't valid, it should include the http:// \(scheme\)"),
        lambda m: "la dirección no es válida: debe empezar por http:// o https://",
    ),
    (re.compile(r"Unable to parse the URL\."), lambda m: "no se entiende la dirección"),
    (
        re.compile(r"The '(\w+)' should not be the parent directory of the config file\..*", re.S),
        lambda m: f"`{m[1]}` no puede ser la carpeta de mkdocs.yml; use una carpeta dentro de ella",
    ),
    (
        re.compile(r"The 'docs_dir' should not be within the 'site_dir'.*", re.S),
        lambda m: "`docs_dir` no puede estar dentro de `site_dir` (la construcción borraría los comunicados)",
    ),
    (
        re.compile(r"The 'site_dir' should not be within the 'docs_dir'.*", re.S),
        lambda m: "`site_dir` no puede estar dentro de `docs_dir` (el sitio se copiaría dentro de sí mismo)",
    ),
    (
        re.compile(r"Cannot import path '(.*)' as a Python module", re.S),
        lambda m: f"no se puede importar «{clip(m[1])}» como módulo de Python",
    ),
]

_PREFIXES = [
    re.compile(r"Config value '([^']*)': "),
    re.compile(r"Plugin '([^']*)' option '([^']*)': "),
    re.compile(r"Sub-option '([^']*)': "),
]


def _strip_prefixes(message: str) -> tuple[list[str], str]:
    path: list[str] = []
    rest = message
    while True:
        for prefix in _PREFIXES:
            match = prefix.match(rest)
            if match:
                path.extend(match.groups())
                rest = rest[match.end() :]
                break
        else:
            return path, rest


def split(message: str) -> list[str]:
    """One message per problem: MkDocs joins the errors of one plugin's options with line breaks
    under a single «Config value 'plugins': » prefix."""
    outer = _PREFIXES[0].match(message)
    head, rest = (message[: outer.end()], message[outer.end() :]) if outer else ("", message)
    return [head + part for part in re.split(r"\n(?=Plugin ')", rest)]


def option_path(message: str) -> list[str]:
    """The option a MkDocs message is about, outermost first (``["plugins", "pregon", "entity"]``)."""
    return _strip_prefixes(message)[0]


def reason(message: str) -> str:
    """The Spanish for what MkDocs says is wrong, without the option it is about."""
    rest = _strip_prefixes(message)[1].strip()
    for pattern, rewrite in _RULES:
        match = pattern.fullmatch(rest)
        if match:
            return rewrite(match)
    return rest


def reworded(message: str) -> str:
    """``message`` with its option prefixes as MkDocs wrote them and the rest in Spanish: what the
    plugin returns for its own options, which MkDocs then prefixes with «Plugin 'pregon' option …»."""
    path_text = message[: len(message) - len(_strip_prefixes(message)[1])]
    return path_text + reason(message)


def spanish(message: str) -> str:
    """One MkDocs configuration message in Spanish: «`plugins → pregon → entity`: se esperaba …»."""
    path = option_path(message)
    said = reason(message)
    return f"`{' → '.join(path)}`: {said}" if path else said
