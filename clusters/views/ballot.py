"""The vote (Bình xét, suy tôn): setup, the paper, casting, participation, close, result,
the minutes, and next year's leadership.

Counts appear only on the result page and in the minutes, both through
``selectors.ballot.ballot_results`` / ``ballot_round_results``, which refuse
a ballot that is not final (the pages answer 404 then, for everyone).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .. import access
from ..forms.ballot import (
    BallotCastForm,
    BallotSetupForm,
    LeadershipDecisionForm,
    LeadershipProposalForm,
    QuestionAddForm,
    QuestionForm,
)
from ..models import (
    Ballot,
    BallotQuestion,
    BallotStatus,
    LeadershipProposal,
    Phase,
    ProposalStatus,
)
from ..selectors.ballot import (
    BallotNotFinal,
    ballot_paper,
    ballot_participation,
    ballot_results,
    ballot_round_results,
    elected_honours,
    has_voted,
    year_ballots,
)
from ..selectors.year import year_status
from ..services.ballot import (
    ballot_cast,
    ballot_close,
    ballot_create,
    ballot_open,
    ballot_question_add,
    ballot_question_remove,
    ballot_question_update,
    ballot_update,
    percent_text,
    quorum_required,
)
from ..services.leadership import leadership_decide, leadership_propose, rotation_suggestion
from ._util import flash_errors, form_add_service_error

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _year_context(request, cluster_year) -> dict:
    return {
        "cluster_year": cluster_year,
        "cluster": cluster_year.cluster,
        "status": year_status(cluster_year=cluster_year),
        "can_run": access.can_run_ballot(request.user, cluster_year),
    }


def _ballot(request, code: str, year: int, pk: int) -> Ballot:
    return access.ballot_for_user(request.user, pk, code=code, year=year)


def _rules(ballot: Ballot) -> dict:
    """The quorum and threshold the paper states."""
    return {
        "quorum_needed": quorum_required(electorate=ballot.electorate, quorum=ballot.quorum),
        "quorum_percent": percent_text(ballot.quorum),
        "pass_percent": percent_text(ballot.pass_ratio),
    }


def _refused(request, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        flash_errors(request, exc)
    else:
        messages.error(request, str(exc) or _("Bạn không có quyền thực hiện thao tác này."))


# -- the year's vote ---------------------------------------------------------------------


def ballot_index(request, code: str, year: int):
    """ "Bình xét, suy tôn" of a year: its ballots, and the coordinator's "Tạo cuộc bỏ phiếu"."""
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    context = _year_context(request, cluster_year)
    ballots = year_ballots(cluster_year=cluster_year)
    active = any(
        b.status in (BallotStatus.DRAFT, BallotStatus.OPEN)
        or (b.status == BallotStatus.CLOSED and b.parent_id is None)
        for b in ballots
    )
    context.update(
        ballots=ballots,
        can_create=context["can_run"] and not active and cluster_year.phase == Phase.REVIEW,
        form=BallotSetupForm(),
    )
    return render(request, "clusters/ballot/index.html", context)


@require_POST
def ballot_create_view(request, code: str, year: int):
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    if not access.can_run_ballot(request.user, cluster_year):
        raise PermissionDenied
    form = BallotSetupForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            ballot = ballot_create(
                cluster_year=cluster_year,
                actor=request.user,
                candidate_mode=data["candidate_mode"],
                top_n=data.get("top_n"),
                meeting_place=data["meeting_place"],
                meeting_date=data["meeting_date"],
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Đã tạo cuộc bỏ phiếu. Kiểm tra nội dung, số lượng được chọn rồi mở bỏ phiếu."),
            )
            return redirect("clusters:ballot_setup", code, year, ballot.pk)
    context = _year_context(request, cluster_year)
    context.update(ballots=year_ballots(cluster_year=cluster_year), can_create=True, form=form)
    return render(request, "clusters/ballot/index.html", context)


# -- setup (draft) ----------------------------------------------------------------------


def ballot_setup(request, code: str, year: int, pk: int):
    """The coordinator's setup page: meeting, candidates, questions and seats, "Mở bỏ phiếu"."""
    ballot = _ballot(request, code, year, pk)
    cluster_year = ballot.cluster_year
    if not access.can_run_ballot(request.user, cluster_year):
        raise PermissionDenied
    draft = ballot.status == BallotStatus.DRAFT
    initial = {
        "candidate_mode": ballot.candidate_mode,
        "top_n": ballot.top_n,
        "meeting_place": ballot.meeting_place,
        "meeting_date": ballot.meeting_date,
    }
    form = BallotSetupForm(request.POST or None, initial=initial, candidates_locked=not draft)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ballot_update(
                ballot=ballot,
                actor=request.user,
                meeting_place=data["meeting_place"],
                meeting_date=data["meeting_date"],
                candidate_mode=data["candidate_mode"] if draft else None,
                top_n=data.get("top_n") if draft else ballot.top_n,
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        except PermissionDenied as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Đã lưu thông tin cuộc bỏ phiếu."))
            return redirect("clusters:ballot_setup", code, year, pk)
    context = _year_context(request, cluster_year)
    context.update(
        ballot=ballot,
        form=form,
        draft=draft,
        paper=ballot_paper(ballot=ballot),
        add_form=QuestionAddForm(),
        **_rules(ballot),
    )
    return render(request, "clusters/ballot/setup.html", context)


def _question(ballot: Ballot, question_id: int) -> BallotQuestion:
    question = BallotQuestion.objects.filter(ballot=ballot, pk=question_id).first()
    if question is None:
        raise Http404
    return question


@require_POST
def ballot_question_save(request, code: str, year: int, pk: int, question_id: int):
    ballot = _ballot(request, code, year, pk)
    if not access.can_run_ballot(request.user, ballot.cluster_year):
        raise PermissionDenied
    question = _question(ballot, question_id)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{question.title}: {error}")
    else:
        try:
            ballot_question_update(
                question=question,
                actor=request.user,
                seats=form.cleaned_data["seats"],
                title=form.cleaned_data["title"],
            )
        except (ValidationError, PermissionDenied) as exc:
            _refused(request, exc)
        else:
            messages.success(
                request, _("Đã lưu “%(title)s”.") % {"title": form.cleaned_data["title"]}
            )
    return redirect("clusters:ballot_setup", code, year, pk)


@require_POST
def ballot_question_add_view(request, code: str, year: int, pk: int):
    ballot = _ballot(request, code, year, pk)
    if not access.can_run_ballot(request.user, ballot.cluster_year):
        raise PermissionDenied
    form = QuestionAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vui lòng chọn hình thức khen thưởng và số lượng hợp lệ."))
    else:
        try:
            question = ballot_question_add(
                ballot=ballot,
                actor=request.user,
                honour=form.cleaned_data["honour"],
                seats=form.cleaned_data.get("seats"),
                title=form.cleaned_data["title"],
            )
        except (ValidationError, PermissionDenied) as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Đã thêm “%(title)s”.") % {"title": question.title})
    return redirect("clusters:ballot_setup", code, year, pk)


@require_POST
def ballot_question_remove_view(request, code: str, year: int, pk: int, question_id: int):
    ballot = _ballot(request, code, year, pk)
    if not access.can_run_ballot(request.user, ballot.cluster_year):
        raise PermissionDenied
    question = _question(ballot, question_id)
    try:
        ballot_question_remove(question=question, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Đã bỏ “%(title)s”.") % {"title": question.title})
    return redirect("clusters:ballot_setup", code, year, pk)


@require_POST
def ballot_open_view(request, code: str, year: int, pk: int):
    ballot = _ballot(request, code, year, pk)
    if not access.can_run_ballot(request.user, ballot.cluster_year):
        raise PermissionDenied
    try:
        ballot_open(ballot=ballot, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
        return redirect("clusters:ballot_setup", code, year, pk)
    messages.success(request, _("Đã mở bỏ phiếu. Các tỉnh thành viên có thể bỏ phiếu."))
    return redirect("clusters:ballot_detail", code, year, pk)


# -- the paper, casting, participation ------------------------------------------------------


def _detail_context(request, ballot: Ballot, form: BallotCastForm | None = None) -> dict:
    cluster_year = ballot.cluster_year
    paper = ballot_paper(ballot=ballot)
    voter = access.can_vote(request.user, cluster_year)
    voted = voter and has_voted(ballot=ballot, province_id=request.user.province_id)
    can_cast = voter and not voted and ballot.status == BallotStatus.OPEN
    if can_cast and form is None:
        form = BallotCastForm(paper=paper)
    context = _year_context(request, cluster_year)
    context.update(
        ballot=ballot,
        paper=paper,
        participation=ballot_participation(ballot=ballot),
        is_voter=voter,
        has_voted=voted,
        form=form if can_cast else None,
        fields=[(item, form[form.field_name(item.question)]) for item in paper] if can_cast else [],
        runoffs=list(Ballot.objects.filter(parent=ballot).order_by("round", "pk")),
        **_rules(ballot),
    )
    return context


def ballot_detail(request, code: str, year: int, pk: int):
    """The ballot: questions and seats, candidates, the rules, who has voted, and my paper."""
    ballot = _ballot(request, code, year, pk)
    return render(request, "clusters/ballot/detail.html", _detail_context(request, ballot))


@require_POST
@never_cache
def ballot_cast_view(request, code: str, year: int, pk: int):
    """Two steps: the choices are shown back for confirmation, then cast ("Xác nhận gửi phiếu")."""
    ballot = _ballot(request, code, year, pk)
    if not access.can_vote(request.user, ballot.cluster_year):
        raise PermissionDenied
    form = BallotCastForm(request.POST, paper=ballot_paper(ballot=ballot))
    if not form.is_valid() or "edit" in request.POST:
        # Errors, or "Sửa lại" on the confirmation: the paper again, as it was filled in.
        return render(
            request, "clusters/ballot/detail.html", _detail_context(request, ballot, form)
        )
    province_raw = request.POST.get("province", "")
    province_id = int(province_raw) if province_raw.isdigit() else None
    if request.POST.get("confirm") != "yes":
        context = _year_context(request, ballot.cluster_year)
        context.update(ballot=ballot, form=form, selections=list(form.selections()))
        # The page names the choices: no browser or proxy may keep it.
        response = render(request, "clusters/ballot/confirm.html", context)
        response["Cache-Control"] = "no-store"
        return response
    try:
        ballot_cast(
            ballot=ballot, actor=request.user, choices=form.choices(), province_id=province_id
        )
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _(
                "Đã ghi nhận phiếu bầu của %(province)s. Phiếu bầu kín: Cổng không lưu "
                "tỉnh nào đã chọn ai."
            )
            % {"province": request.user.province.full_name},
        )
    return redirect("clusters:ballot_detail", code, year, pk)


@require_GET
def ballot_participation_view(request, code: str, year: int, pk: int):
    """Who has voted (htmx refreshes it during the meeting); no counts of choices."""
    ballot = _ballot(request, code, year, pk)
    return render(
        request,
        "clusters/ballot/participation.html",
        {
            "ballot": ballot,
            "cluster": ballot.cluster_year.cluster,
            "cluster_year": ballot.cluster_year,
            "participation": ballot_participation(ballot=ballot),
            **_rules(ballot),
        },
    )


@require_POST
def ballot_close_view(request, code: str, year: int, pk: int):
    ballot = _ballot(request, code, year, pk)
    if not access.can_run_ballot(request.user, ballot.cluster_year):
        raise PermissionDenied
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Vui lòng đánh dấu xác nhận trước khi đóng bỏ phiếu."))
        return redirect("clusters:ballot_detail", code, year, pk)
    try:
        closed = ballot_close(ballot=ballot, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
        return redirect("clusters:ballot_detail", code, year, pk)
    if closed.status == BallotStatus.NO_QUORUM:
        messages.warning(
            request,
            _("Đã đóng bỏ phiếu: không đủ số lượng tỉnh tham gia, không có tỉnh nào được suy tôn."),
        )
    else:
        messages.success(request, _("Đã đóng bỏ phiếu và công bố kết quả."))
    return redirect("clusters:ballot_results", code, year, pk)


# -- result and minutes (final ballots only) ---------------------------------------------


def ballot_results_view(request, code: str, year: int, pk: int):
    ballot = _ballot(request, code, year, pk)
    try:
        # Every round at once when all are final; else this round alone (404 until it is).
        rounds = ballot_round_results(ballot=ballot)
        result = next(r for r in rounds if r.ballot.pk == ballot.pk)
    except BallotNotFinal:
        rounds = None
        try:
            result = ballot_results(ballot=ballot)
        except BallotNotFinal:
            raise Http404 from None
    context = _year_context(request, ballot.cluster_year)
    context.update(
        ballot=ballot,
        result=result,
        final_honours=elected_honours(rounds) if rounds is not None else None,
        **_rules(ballot),
    )
    return render(request, "clusters/ballot/results.html", context)


def ballot_minutes_download(request, code: str, year: int, pk: int):
    """Biên bản họp bình xét (DOCX), once the ballot and its run-offs are final."""
    ballot = _ballot(request, code, year, pk)
    from ..documents.minutes import minutes_docx

    try:
        content = minutes_docx(ballot=ballot)
    except BallotNotFinal:
        raise Http404 from None
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = (
        f'attachment; filename="bien-ban-hop-binh-xet-{ballot.cluster_year.year}.docx"'
    )
    return response


# -- next year's leadership -------------------------------------------------------------


def leadership_page(request, code: str, year: int):
    """The proposal of next year's leader and deputies, with rotation's suggestion and the decision."""
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    proposal = (
        LeadershipProposal.objects.filter(cluster_year=cluster_year)
        .select_related("leader", "deputy", "second_deputy", "proposed_by", "decided_by")
        .first()
    )
    suggestion = rotation_suggestion(cluster_year=cluster_year)
    can_propose = (
        access.can_propose_leadership(request.user, cluster_year)
        and cluster_year.phase == Phase.REVIEW
        and (proposal is None or proposal.status != ProposalStatus.DECIDED)
    )
    provinces = _member_provinces(cluster_year)
    form = None
    if can_propose:
        initial = (
            {
                "leader": proposal.leader_id,
                "deputy": proposal.deputy_id,
                "second_deputy": proposal.second_deputy_id,
            }
            if proposal is not None
            else {
                "leader": suggestion.leader.pk if suggestion.leader else None,
                "deputy": suggestion.deputy.pk if suggestion.deputy else None,
            }
        )
        form = LeadershipProposalForm(request.POST or None, initial=initial, provinces=provinces)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                leadership_propose(
                    cluster_year=cluster_year,
                    actor=request.user,
                    leader=data["leader"],
                    deputy=data["deputy"],
                    second_deputy=data.get("second_deputy"),
                )
            except ValidationError as exc:
                form_add_service_error(form, exc)
            except PermissionDenied as exc:
                _refused(request, exc)
            else:
                messages.success(
                    request,
                    _("Đã ghi đề xuất Cụm trưởng, Cụm phó năm %(year)s.")
                    % {"year": cluster_year.year + 1},
                )
                return redirect("clusters:leadership", code, year)
    can_decide = (
        proposal is not None
        and proposal.status == ProposalStatus.PROPOSED
        and access.can_decide_leadership(request.user)
    )
    context = _year_context(request, cluster_year)
    context.update(
        proposal=proposal,
        suggestion=suggestion,
        form=form,
        decision_form=LeadershipDecisionForm() if can_decide else None,
        next_year=cluster_year.year + 1,
    )
    return render(request, "clusters/ballot/leadership.html", context)


def _member_provinces(cluster_year) -> list:
    return [m.province for m in cluster_year.memberships.select_related("province")]


@require_POST
def leadership_decide_view(request, code: str, year: int):
    cluster_year = access.cluster_year_for_user(request.user, code, year)
    if not access.can_decide_leadership(request.user):
        raise PermissionDenied
    proposal = LeadershipProposal.objects.filter(cluster_year=cluster_year).first()
    if proposal is None:
        raise Http404
    form = LeadershipDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("clusters:leadership", code, year)
    try:
        decision = leadership_decide(
            proposal=proposal,
            actor=request.user,
            decision_reference=form.cleaned_data["decision_reference"],
            approved=form.cleaned_data["approved"],
        )
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
        return redirect("clusters:leadership", code, year)
    if decision.next_year is None:
        messages.success(request, _("Đã ghi: Hội đồng không chấp thuận đề xuất."))
    else:
        messages.success(
            request,
            _(
                "Đã ghi quyết định của Hội đồng. Năm %(year)s có Cụm trưởng, Cụm phó theo quyết định."
            )
            % {"year": decision.next_year.year},
        )
        for note in decision.skipped:
            messages.warning(request, note)
    return redirect("clusters:leadership", code, year)
