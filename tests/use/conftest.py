"""Fixtures for the use stage: a reading room and an office of unit U, Secret carriers held by the
secretary whose distribution scope is the Research department (staff_core, staff_important,
head_res) and helpers for the loan flow."""

import pytest

from common.levels import Level
from tests.factories import register


@pytest.fixture
def room(org):
    from carriers.use import services

    return services.create_place(actor=org.secretary, name_zh="阅文室", name_en="Reading room", kind="reading_room",
                                 max_level=Level.TOP_SECRET, location="A-201")


@pytest.fixture
def office(org):
    from carriers.use import services

    return services.create_place(actor=org.secretary, name_zh="科研处办公室", name_en="Research office",
                                 kind="office", max_level=Level.CONFIDENTIAL)


@pytest.fixture
def doc(org):
    """A Secret carrier held by the secretary, scope: Research."""
    return register(org.secretary, container=org.cabinet, level=Level.SECRET, scope_departments=[org.res],
                    title="科研计划（机密）")


@pytest.fixture
def docs(org):
    return [register(org.secretary, container=org.cabinet, level=Level.SECRET, scope_departments=[org.res],
                     copy_number=f"00000{i}", title=f"文件{i}") for i in (1, 2, 3)]


@pytest.fixture
def flow(org):
    """The loan flow through the services, step by step."""
    from carriers.use import services

    class Flow:
        @staticmethod
        def request(carrier, borrower=None, **extra):
            return services.request_loan(actor=borrower or org.staff_core, carrier=carrier,
                                         purpose=extra.pop("purpose", "项目研究"), **extra)

        @staticmethod
        def lend(loan, actor=None):
            return services.lend(actor=actor or org.secretary, password=org.password, loan_id=loan.pk)

        @staticmethod
        def accept(loan, actor=None):
            return services.accept_loan(actor=actor or loan.borrower, password=org.password, loan_id=loan.pk,
                                        counted_count=1)

        @staticmethod
        def give_back(loan, actor=None, **extra):
            return services.return_loan(actor=actor or loan.borrower, password=org.password, loan_id=loan.pk,
                                        **extra)

        @staticmethod
        def take_back(loan, actor=None):
            return services.take_back(actor=actor or org.secretary, password=org.password, loan_id=loan.pk,
                                      counted_count=1, container=org.cabinet)

        def on_loan(self, carrier, borrower=None):
            loan = self.request(carrier, borrower)
            self.lend(loan)
            return self.accept(loan)

    return Flow()
