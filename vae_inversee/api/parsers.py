"""Request parsers whose refusals are French 400s: malformed or absurdly nested JSON never reaches a 500."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            # 5 000 nested "[" exhaust the interpreter's stack inside json.load.
            raise ParseError("Le corps de la requête est imbriqué trop profondément pour être lu.")
        except ParseError:
            raise ParseError(
                "Le corps de la requête n'est pas un JSON valide (vérifiez les guillemets, virgules et accolades)."
            )


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError:
            raise ParseError("Le formulaire multipart envoyé est illisible.")
