"""Factories for the residency models of the accounts app."""

from datetime import timedelta

import factory
from django.utils import timezone

from kommune.accounts.models import LetterCode, LetterCodeBatch
from kommune.accounts.services import LETTER_CODE_ALPHABET, LETTER_CODE_LENGTH
from tests.factories import MunicipalityFactory


def _code(n: int) -> str:
    """A distinct code for every sequence number, written in the letter-code alphabet."""
    digits = []
    base = len(LETTER_CODE_ALPHABET)
    for _ in range(LETTER_CODE_LENGTH):
        n, rest = divmod(n, base)
        digits.append(LETTER_CODE_ALPHABET[rest])
    return "".join(reversed(digits))


class LetterCodeBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LetterCodeBatch

    municipality = factory.SubFactory(MunicipalityFactory)
    note = factory.Sequence(lambda n: f"Versand {n}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))


class LetterCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LetterCode

    batch = factory.SubFactory(LetterCodeBatchFactory)
    municipality = factory.SelfAttribute("batch.municipality")
    code = factory.Sequence(lambda n: _code(1_000_000 + n))
