from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common import access
from common import tables as common_tables
from common.templatetags.registry import ACTION_LABELS

from . import policy
from .selectors import verify_chain, visible_events
from .tables import event_table


def _require_audit_access(user):
    if not access.can(user, policy.VIEW_AUDIT):
        raise PermissionDenied(_("Only auditors and the secrecy office may read the audit trail."))


@login_required
def event_list(request):
    """The audit trail, newest first, filtered by actor, action, carrier and time range."""
    from .api.views import AuditEventFilter

    _require_audit_access(request.user)
    filterset = AuditEventFilter(request.GET or None, queryset=visible_events(user=request.user), request=request)
    if filterset.is_bound and not filterset.is_valid():
        events, status = visible_events(user=request.user).none(), 400
    else:
        events, status = filterset.qs, 200
    table = event_table(events, params=request.GET)
    page = common_tables.paginate(table, request.GET.get("page"), per_page=100)
    return render(request, "audit/events.html", {
        "table": table, "page": page, "filter": filterset, "actors": _actors(request.user),
        "actions": sorted(ACTION_LABELS.items(), key=lambda item: item[0]),
    }, status=status)


def _actors(user):
    from common import access as gate
    from personnel.models import Person

    person = gate.person_of(user)
    if person is None:
        return []
    return Person.objects.filter(unit_id=person.unit_id).select_related("user").order_by("full_name")


@login_required
def verify(request):
    _require_audit_access(request.user)
    return render(request, "audit/verify.html", {"report": verify_chain()})


# --- the auditor's workspace: a carrier's history, a signature, verify the chain in the background ---


@login_required
def carrier_history(request, carrier_id):
    from registers.workspace import carrier_history as history

    _require_audit_access(request.user)
    carrier, events = history(user=request.user, pk=carrier_id)
    return render(request, "audit/carrier_history.html", {"carrier": carrier, "events": events})


@login_required
def signature_detail(request, pk):
    from registers.workspace import signature_check

    _require_audit_access(request.user)
    return render(request, "audit/signature.html", {"check": signature_check(user=request.user, pk=pk)})


@login_required
@require_POST
def verification_start(request):
    from registers.services import request_chain_verification

    _require_audit_access(request.user)
    job = request_chain_verification(actor=request.user)
    return redirect("audit:verification", pk=job.pk)


def _verification(request, pk):
    from registers.selectors import verification_get

    _require_audit_access(request.user)
    job = verification_get(user=request.user, verification_id=pk)
    if job is None:
        raise Http404
    return job


@login_required
def verification_detail(request, pk):
    return render(request, "audit/verification.html", {"job": _verification(request, pk)})


@login_required
def verification_status(request, pk):
    job = _verification(request, pk)
    return JsonResponse({
        "id": job.pk, "status": job.status, "status_label": str(job.get_status_display()),
        "progress": 100 if job.status in ("done", "failed") else 0, "ok": job.ok, "count": job.count,
        "head": job.head, "broken_seq": job.broken_seq, "reason": job.reason, "error": job.error,
        "finished": job.status in ("done", "failed"),
    })



# --- the auditor's workspace: checkpoints and Merkle proofs to take away ----------------------------


class _ProofForm:
    """The proof page's query: an event (seq) or a signature, and a checkpoint (the newest by default);
    or two checkpoints for a consistency proof. Field errors, never a 500."""

    @staticmethod
    def number(request, name, errors, *, required=False):
        raw = (request.GET.get(name) or "").strip()
        if not raw:
            if required:
                errors[name] = _("Enter a number.")
            return None
        if not raw.isdigit() or len(raw) > 18 or int(raw) < 1:
            errors[name] = _("Enter a whole number of at least 1.")
            return None
        return int(raw)


@login_required
def proofs(request):
    """Checkpoints in the trail and the proofs of the auditor's workspace: an inclusion proof of any
    event or signature one may see against a checkpoint, and a consistency proof between two
    checkpoints, shown and downloadable as JSON for tools/verify_audit_proof.py."""
    import json

    from common.errors import DomainError

    from . import checkpoints

    _require_audit_access(request.user)
    errors, proof, status = {}, None, 200
    kind = request.GET.get("kind", "")
    try:
        if kind == "inclusion":
            seq = _ProofForm.number(request, "seq", errors)
            signature = _ProofForm.number(request, "signature", errors)
            checkpoint = _ProofForm.number(request, "checkpoint", errors)
            if not errors and (seq is None) == (signature is None):
                errors["seq"] = _("Give either an event (sequence number) or a signature.")
            if not errors:
                proof = (checkpoints.proof_for_signature(user=request.user, pk=signature, checkpoint_seq=checkpoint)
                         if signature else
                         checkpoints.proof_for_event(user=request.user, seq=seq, checkpoint_seq=checkpoint))
        elif kind == "consistency":
            old = _ProofForm.number(request, "old", errors, required=True)
            new = _ProofForm.number(request, "new", errors)
            if not errors:
                proof = checkpoints.proof_between(old_seq=old, new_seq=new)
        elif kind:
            errors["kind"] = _("Unknown kind of proof.")
    except Http404:
        errors["proof"], status = _("No such event, signature or checkpoint that you may see."), 404
    except DomainError as exc:
        errors["proof"], status = str(exc.message), exc.status
    except LookupError:
        errors["proof"], status = _("The events this proof needs are missing from the trail."), 409
    if errors and status == 200:
        status = 400
    if proof is not None and request.GET.get("download"):
        name = (f"audit-inclusion-{proof['seq']}-at-{proof['size']}.json" if proof["type"] == "inclusion"
                else f"audit-consistency-{proof['old']['seq']}-{proof['new']['seq']}.json")
        response = JsonResponse(proof, json_dumps_params={"indent": 2, "ensure_ascii": False})
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    recent = list(reversed(checkpoints.all_in_trail()))[:50]
    query = request.GET.copy()
    query["download"] = "1"
    return render(request, "audit/proofs.html", {
        "checkpoints": recent, "errors": errors, "proof": proof, "kind": kind, "data": request.GET,
        "proof_json": json.dumps(proof, indent=2, ensure_ascii=False) if proof else "",
        "download_query": query.urlencode(),
    }, status=status)


@login_required
def public_key(request):
    """The public key that verifies the checkpoints (PEM), for the standalone verifier."""
    from django.http import HttpResponse

    from . import checkpoints

    _require_audit_access(request.user)
    pem = checkpoints.public_pem(checkpoints.load_private_key().public_key())
    response = HttpResponse(pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="audit-signing-key.pem.pub"'
    return response
