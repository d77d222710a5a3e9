"""Factories per app, and the helpers tests use to build a small organisation."""

from datetime import date

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from carriers import services as carrier_services
from carriers.models import Container
from common.levels import Level
from personnel.models import Person, Unit

PASSWORD = "correct-horse-42"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"U{n:03d}")
    name_zh = factory.LazyAttribute(lambda o: f"单位{o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Unit {o.code}")
    kind = Unit.Kind.UNIT
    parent = None


class DepartmentFactory(UnitFactory):
    kind = Unit.Kind.DEPARTMENT
    parent = factory.SubFactory(UnitFactory)
    name_zh = factory.LazyAttribute(lambda o: f"部门{o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Department {o.code}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    full_name = factory.Sequence(lambda n: f"测试人员{n}")
    employee_number = factory.Sequence(lambda n: f"T{n:05d}")
    department = factory.SubFactory(DepartmentFactory)
    unit = factory.LazyAttribute(lambda o: o.department.parent if o.department else UnitFactory())
    secrecy_post = Person.SecrecyPost.GENERAL

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.user.groups.set(Group.objects.filter(name__in=extracted))


class ContainerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Container

    code = factory.Sequence(lambda n: f"C-{n:03d}")
    name_zh = factory.LazyAttribute(lambda o: f"柜{o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Cabinet {o.code}")
    kind = Container.Kind.COMBINATION_CABINET
    unit = factory.SubFactory(UnitFactory)
    max_level = Level.SECRET


def carrier_fields(**overrides) -> dict:
    """Valid arguments for carriers.services.register_carrier (add actor, password, container)."""
    fields = dict(
        kind="paper",
        title="测试文件",
        originator="上级机关",
        level=Level.SECRET,
        secrecy_years=10,
        period_start=date(2026, 1, 1),
        copy_number="000001",
        copies_total=3,
    )
    fields.update(overrides)
    return fields


def register(actor, *, container, password=PASSWORD, **overrides):
    return carrier_services.register_carrier(
        actor=actor, password=password, container=container, **carrier_fields(**overrides)
    )


def api_token(user) -> str:
    """A new API token for `user`, for `Authorization: Token <token>`: the row as
    accounts.tokens.create_token makes it (only its SHA-256 stored), without its audit event, so
    tests counting events are not disturbed by the fixture."""
    import secrets
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import ApiToken
    from accounts.tokens import digest_of

    raw = secrets.token_hex(20)
    ApiToken.objects.create(user=user, prefix=raw[:8], digest=digest_of(raw),
                            expires_at=timezone.now() + timedelta(days=1))
    return raw


def enrol_totp(user):
    """A confirmed authenticator (accounts.models.AuthenticatorDevice, its secret encrypted) for
    `user`, as after enrolment."""
    from accounts.models import AuthenticatorDevice

    return AuthenticatorDevice.objects.create(user=user, name="authenticator", confirmed=True)


def totp_code(device, steps: int = 0) -> str:
    """The code the authenticator shows now (steps=1: the next one, still accepted)."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():0{device.digits}d}"


def audit_count_but_security() -> int:
    """Audit events now, leaving out the security events of accounts (account.login_failed,
    account.factor_failed, account.locked_out...): issue 14 writes a refused password or code to the
    trail in its own transaction, so a refused request leaves the database and the chain as they
    were except that one record of the refusal. Count before and after: equal means nothing else
    was written."""
    from audit.models import AuditEvent

    return AuditEvent.objects.exclude(action__startswith="account.").count()
