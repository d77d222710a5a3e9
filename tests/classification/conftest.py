"""Classification basis fixtures: the unit's list of secret matters (one Secret item, one
Confidential) and two classifiers (head_res up to Secret, staff_important up to Confidential)."""

from types import SimpleNamespace

import pytest

from carriers import services
from common.levels import Level


@pytest.fixture
def basis(org):
    secret_item = services.add_matter_item(actor=org.secretary, code="3.1", title_zh="科研项目技术方案",
                                           title_en="Technical plans of research projects", level=Level.SECRET,
                                           secrecy_years=10)
    confidential_item = services.add_matter_item(actor=org.secretary, code="5.2", title_zh="内部审计报告",
                                                 title_en="Internal audit reports", level=Level.CONFIDENTIAL)
    head = services.designate_classifier(actor=org.secretary, user=org.head_res, max_level=Level.SECRET,
                                         reference="保密〔2026〕3号")
    low = services.designate_classifier(actor=org.secretary, user=org.staff_important, max_level=Level.CONFIDENTIAL)
    return SimpleNamespace(secret_item=secret_item, confidential_item=confidential_item, head=head, low=low)
