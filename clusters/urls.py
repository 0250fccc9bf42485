from django.urls import path

from .views import ballot as ballot_views
from .views import cluster as cluster_views
from .views import criteria as criteria_views
from .views import excel as excel_views
from .views import pledge as pledge_views
from .views import reports as report_views
from .views import results as results_views
from .views import scoring as scoring_views

app_name = "clusters"

Y = "<slug:code>/<int:year>/"

urlpatterns = [
    path("", cluster_views.cluster_list, name="list"),
    path("evidence/<int:pk>/", results_views.evidence_download, name="evidence_download"),
    path("reports/jobs/<int:pk>/", report_views.report_job_status, name="report_job"),
    path("reports/jobs/<int:pk>/retry/", report_views.report_retry_view, name="report_retry"),
    path("reports/files/<int:pk>/", report_views.report_file_download, name="report_file"),
    path("<slug:code>/", cluster_views.cluster_detail, name="detail"),
    path(Y, cluster_views.cluster_year_detail, name="year"),
    path(Y + "phase/", cluster_views.phase_move, name="phase_move"),
    path(Y + "calendar/", cluster_views.calendar_edit, name="calendar"),
    # Criteria table
    path(Y + "criteria/", criteria_views.criteria_table, name="criteria"),
    path(Y + "criteria/copy/", criteria_views.criteria_copy, name="criteria_copy"),
    path(Y + "criteria/add/", criteria_views.criterion_edit, name="criterion_add"),
    path(Y + "criteria/<int:pk>/", criteria_views.criterion_edit, name="criterion_edit"),
    path(Y + "criteria/<int:pk>/remove/", criteria_views.criterion_remove, name="criterion_remove"),
    path(Y + "criteria/diff/", criteria_views.criteria_diff, name="criteria_diff"),
    # Pledge and targets
    path(Y + "pledge/", pledge_views.pledge_detail, name="pledge"),
    path(Y + "pledge/edit/", pledge_views.pledge_edit, name="pledge_edit"),
    path(Y + "pledge/sign/", pledge_views.pledge_sign_view, name="pledge_sign"),
    path(Y + "pledge/docx/", pledge_views.pledge_download, name="pledge_docx"),
    path(Y + "targets/<int:criterion_id>/", pledge_views.target_save, name="target_save"),
    # Results
    path(Y + "results/", results_views.results_entry, name="results"),
    path(Y + "results/submit/", results_views.results_submit, name="results_submit"),
    path(Y + "results/<int:criterion_id>/", results_views.result_row_save, name="result_save"),
    path(
        Y + "results/<int:criterion_id>/evidence/",
        results_views.evidence_upload,
        name="evidence_upload",
    ),
    path(Y + "evidence/<int:pk>/remove/", results_views.evidence_delete, name="evidence_delete"),
    path(
        Y + "results/excel/template/",
        excel_views.results_template_download,
        name="results_template",
    ),
    path(Y + "results/excel/import/", excel_views.results_import, name="results_import"),
    path(Y + "results/excel/export/", excel_views.cluster_results_export, name="results_export"),
    path(Y + "progress/", results_views.progress, name="progress"),
    # Verification, peer scoring, ranking
    path(Y + "scoring/settings/", scoring_views.scoring_settings, name="scoring_settings"),
    path(Y + "scoring/assignments/", scoring_views.assignments, name="assignments"),
    path(
        Y + "scoring/assignments/generate/",
        scoring_views.assignments_generate_view,
        name="assignments_generate",
    ),
    path(Y + "scoring/assignments/add/", scoring_views.assignment_add_view, name="assignment_add"),
    path(Y + "scoring/assignments/<int:pk>/", scoring_views.peer_scores, name="peer_scores"),
    path(
        Y + "scoring/assignments/<int:pk>/withdraw/",
        scoring_views.assignment_withdraw_view,
        name="assignment_withdraw",
    ),
    path(
        Y + "scoring/assignments/<int:pk>/conflict/",
        scoring_views.conflict_declare_view,
        name="conflict_declare",
    ),
    path(Y + "scoring/board/", scoring_views.scoreboard_view, name="scoreboard"),
    path(Y + "scoring/freeze/", scoring_views.ranking_freeze_view, name="ranking_freeze"),
    path(Y + "scoring/verify/", scoring_views.ranking_verify_view, name="ranking_verify"),
    # The vote (bình xét, suy tôn) and next year's leadership
    path(Y + "ballot/", ballot_views.ballot_index, name="ballot_index"),
    path(Y + "ballot/create/", ballot_views.ballot_create_view, name="ballot_create"),
    path(Y + "ballot/<int:pk>/", ballot_views.ballot_detail, name="ballot_detail"),
    path(Y + "ballot/<int:pk>/setup/", ballot_views.ballot_setup, name="ballot_setup"),
    path(
        Y + "ballot/<int:pk>/questions/add/",
        ballot_views.ballot_question_add_view,
        name="ballot_question_add",
    ),
    path(
        Y + "ballot/<int:pk>/questions/<int:question_id>/",
        ballot_views.ballot_question_save,
        name="ballot_question",
    ),
    path(
        Y + "ballot/<int:pk>/questions/<int:question_id>/remove/",
        ballot_views.ballot_question_remove_view,
        name="ballot_question_remove",
    ),
    path(Y + "ballot/<int:pk>/open/", ballot_views.ballot_open_view, name="ballot_open"),
    path(Y + "ballot/<int:pk>/cast/", ballot_views.ballot_cast_view, name="ballot_cast"),
    path(
        Y + "ballot/<int:pk>/participation/",
        ballot_views.ballot_participation_view,
        name="ballot_participation",
    ),
    path(Y + "ballot/<int:pk>/close/", ballot_views.ballot_close_view, name="ballot_close"),
    path(Y + "ballot/<int:pk>/results/", ballot_views.ballot_results_view, name="ballot_results"),
    path(
        Y + "ballot/<int:pk>/minutes/docx/",
        ballot_views.ballot_minutes_download,
        name="ballot_minutes",
    ),
    path(Y + "leadership/", ballot_views.leadership_page, name="leadership"),
    path(Y + "leadership/decide/", ballot_views.leadership_decide_view, name="leadership_decide"),
    path(Y + "reports/", report_views.reports_page, name="reports"),
    path(Y + "reports/request/", report_views.report_request_view, name="report_request"),
    path(Y + "reports/sections/add/", report_views.narrative_edit, name="narrative_add"),
    path(Y + "reports/sections/<int:pk>/", report_views.narrative_edit, name="narrative_edit"),
    path(
        Y + "provinces/<int:province_id>/", results_views.province_results, name="province_results"
    ),
    path(
        Y + "provinces/<int:province_id>/return/",
        results_views.submission_return_view,
        name="submission_return",
    ),
    path(
        Y + "provinces/<int:province_id>/history/<int:criterion_id>/",
        results_views.result_history,
        name="result_history",
    ),
]
