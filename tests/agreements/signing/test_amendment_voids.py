import pytest

from agreements import services
from agreements.models import Agreement
from agreements.signing.models import Signature
from demo import stages

pytestmark = pytest.mark.django_db


def test_adopting_an_amendment_voids_the_old_signatures_and_keeps_them(settings, tmp_path):
    world = stages.build("signed")
    old = Agreement.objects.get(cluster_year=world.cluster_year, status=Agreement.Status.SEALED)
    assert Signature.objects.filter(agreement=old, void=False).count() == 6
    head = world.user("dongda")
    amendment = services.agreement_amend(actor=head, agreement=old, reason="Bổ sung chỉ tiêu")
    services.agreement_circulate(actor=head, agreement=amendment)
    services.agreement_adopt(actor=head, agreement=amendment)
    old.refresh_from_db()
    assert old.status == Agreement.Status.SUPERSEDED
    assert Signature.objects.filter(agreement=old).count() == 6
    assert Signature.objects.filter(agreement=old, void=True).count() == 6
    assert not Signature.objects.filter(agreement=amendment).exists()
