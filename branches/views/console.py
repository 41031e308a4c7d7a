"""The organisation department's console: the organisation, people's roles, imports, year setup, filing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches import forms, selectors, services, year_copy
from branches.imports import IMPORT_KINDS, XLSX_MIME, build_template, run_import
from branches.models import (
    AssessmentContent,
    Branch,
    ExternalOrganization,
    Member,
    Role,
    Unit,
)
from branches.views.common import form_page, org_admin_required, paginate, year_param
from pairing import year_copy as pairing_year_copy


@org_admin_required
def console_home(request):
    year = timezone.localdate().year
    board = selectors.filing_board(year=year)
    return render(request, "branches/console/home.html", {
        "counts": selectors.console_counts(), "year": year, "board_counts": board["counts"],
        "deadline": board["deadline"],
    })


# --------------------------------------------------------------------------------------------- units


@org_admin_required
def unit_list(request):
    return render(request, "branches/console/units.html", {"units": selectors.unit_list()})


@org_admin_required
def unit_edit(request, pk: int | None = None):
    unit = get_object_or_404(Unit, pk=pk) if pk else None
    form = forms.UnitForm(request.POST or None, instance=unit)

    def save(data):
        services.save_unit(unit=unit, code=data["code"], name=data["name"], kind=data["kind"], parent=data["parent"],
                           sort_order=data["sort_order"] or 0)

    return form_page(request, form=form, save=save, title=_("编辑单位") if unit else _("新增单位"),
                      back_url=reverse("branches:unit_list"), success=_("单位已保存。"))


# --------------------------------------------------------------------------------------------- branches


@org_admin_required
def branch_list(request):
    search = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    unit = request.GET.get("unit", "")
    unit_id = int(unit) if unit.isdigit() else None
    page, query = paginate(request, selectors.branch_list(search=search, kind=kind, unit_id=unit_id))
    return render(request, "branches/console/branches.html", {
        "page": page, "query": query, "q": search, "kind": kind, "kinds": Branch.Kind.choices, "unit": unit_id,
    })


@org_admin_required
def branch_edit(request, pk: int | None = None):
    branch = get_object_or_404(Branch, pk=pk) if pk else None
    form = forms.BranchForm(request.POST or None, instance=branch)

    def save(data):
        services.save_branch(branch=branch, code=data["code"], name=data["name"], unit=data["unit"],
                             secretary=data.get("secretary"), is_active=data.get("is_active", False))

    return form_page(request, form=form, save=save, title=_("编辑党支部") if branch else _("新增党支部"),
                      back_url=reverse("branches:branch_list"), success=_("党支部已保存。"))


# --------------------------------------------------------------------------------------------- members


@org_admin_required
def member_list(request):
    filters = forms.MemberFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.member_list(
        search=(data.get("q") or "").strip(),
        branch_id=data["branch"].pk if data.get("branch") else None,
        status=data.get("status") or "",
        place=data.get("place") or "",
        outside_org_id=data["outside_org"].pk if data.get("outside_org") else None,
    )
    page, query = paginate(request, qs)
    return render(request, "branches/console/members.html", {"filters": filters, "page": page, "query": query})


@org_admin_required
def member_edit(request, pk: int | None = None):
    member = get_object_or_404(Member, pk=pk) if pk else None
    form = forms.MemberForm(request.POST or None, instance=member)

    def save(data):
        services.save_member(
            member=member, branch=data["branch"], employee_no=data["employee_no"], name=data["name"],
            status=data["status"], place=data["place"], outside_org=data.get("outside_org"),
            gender=data.get("gender") or "", phone=data.get("phone") or "", joined_party_on=data.get("joined_party_on"),
            place_detail=data.get("place_detail") or "", party_group=member.party_group if member else None,
            is_active=data.get("is_active", False),
        )

    return form_page(request, form=form, save=save, title=_("编辑党员") if member else _("新增党员"),
                      back_url=reverse("branches:member_list"), success=_("党员信息已保存。"))


@org_admin_required
def external_org_list(request):
    return render(request, "branches/console/external_orgs.html", {"orgs": selectors.external_org_list()})


@org_admin_required
def external_org_edit(request, pk: int | None = None):
    org = get_object_or_404(ExternalOrganization, pk=pk) if pk else None
    form = forms.ExternalOrganizationForm(request.POST or None, instance=org)

    def save(data):
        services.save_external_org(org=org, **{k: data.get(k) or "" for k in form.Meta.fields})

    return form_page(request, form=form, save=save, title=_("编辑外部党组织") if org else _("新增外部党组织"),
                      back_url=reverse("branches:external_org_list"), success=_("外部党组织已保存。"))


# --------------------------------------------------------------------------------------------- people and roles


@org_admin_required
def people(request):
    search = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    page, query = paginate(request, selectors.role_list(search=search, kind=kind))
    return render(request, "branches/console/people.html", {
        "page": page, "query": query, "q": search, "kind": kind, "kinds": Role.Kind.choices,
    })


@org_admin_required
def person_create(request):
    form = forms.NewUserRoleForm(request.POST or None)

    def save(data):
        services.create_user_with_role(
            username=data["username"], full_name=data["full_name"], email=data.get("email") or "",
            password=data["password"], kind=data["kind"], branch=data.get("branch"), unit=data.get("unit"),
        )

    return form_page(request, form=form, save=save, title=_("新增人员及角色"), back_url=reverse("branches:people"),
                      success=_("人员已创建。"))


@org_admin_required
def role_edit(request, pk: int | None = None, user_id: int | None = None):
    role = get_object_or_404(Role.objects.select_related("user"), pk=pk) if pk else None
    user = role.user if role else get_object_or_404(get_user_model(), pk=user_id)
    form = forms.RoleForm(request.POST or None, instance=role)

    def save(data):
        services.save_role(role=role, user=user, kind=data["kind"], branch=data.get("branch"), unit=data.get("unit"),
                           member=data.get("member"))

    return form_page(request, form=form, save=save, title=_("调整角色") if role else _("增加角色"),
                      subtitle=user.get_full_name() or user.username, back_url=reverse("branches:people"),
                      success=_("角色已保存。"))


@org_admin_required
@require_POST
def role_delete(request, pk: int):
    role = get_object_or_404(Role, pk=pk)
    if role.user_id == request.user.pk and role.kind == Role.Kind.ORG_ADMIN:
        messages.error(request, _("不能取消自己的组织部门角色。"))
    else:
        services.delete_role(role=role)
        messages.success(request, _("角色已取消。"))
    return redirect("branches:people")


# --------------------------------------------------------------------------------------------- imports


@org_admin_required
def import_page(request):
    kind = request.POST.get("kind") or request.GET.get("kind") or "members"
    if kind not in IMPORT_KINDS:
        kind = "members"
    form = forms.ImportForm(request.POST or None, request.FILES or None, initial={"kind": kind})
    result = None
    chosen_file = ""
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        chosen_file = upload.name if upload else ""
        if form.is_valid():
            try:
                result = run_import(kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"])
            except ValidationError as exc:
                forms.apply_errors(form, exc)
        if result is None or not result.ok:
            status = 400
        else:
            messages.success(request, _("导入成功：共 %(rows)s 行，新增 %(created)s，更新 %(updated)s。") % {
                "rows": result.rows, "created": result.created, "updated": result.updated})
    return render(request, "branches/console/import.html", {
        "form": form, "result": result, "kind": kind, "kinds": IMPORT_KINDS, "chosen_file": chosen_file,
        "columns": IMPORT_KINDS[kind]["columns"](),
    }, status=status)


@org_admin_required
def import_template(request, kind: str):
    if kind not in IMPORT_KINDS:
        raise Http404
    response = HttpResponse(build_template(kind), content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{IMPORT_KINDS[kind]["filename"]}"'
    return response


# --------------------------------------------------------------------------------------------- year setup


@org_admin_required
def year_setup(request, year: int | None = None):
    year = year or year_param(request)
    data = selectors.year_setup(year=year)
    return render(request, "branches/console/year.html", {
        "year": year,
        **data,
        "pair_form": forms.PairForm(),
        "copy_form": forms.CopyPairsForm(initial={"source_year": year - 1}),
        "partnership_form": forms.PartnershipForm(candidates=data["candidates"]),
        "assessment_form": forms.AssessmentContentForm(),
        "settings_form": forms.YearSettingsForm(initial={
            "plan_deadline": data["deadline"],
            "version": data["year_settings"].version if data["year_settings"] else None}),
        "copy_report": request.session.pop("copy_report", None),
    })


def _year_url(year: int, anchor: str = "") -> str:
    return reverse("branches:year_setup", args=[year]) + (f"#{anchor}" if anchor else "")


@org_admin_required
def pair_edit(request, year: int, pk: int | None = None):
    from pairing.models import Pair
    from pairing.services import save_pair

    pair = get_object_or_404(Pair, pk=pk, year=year) if pk else None
    initial = {}
    if pair:
        initial = {"lead_branch": pair.lead_branch, "grassroots_branches": list(pair.grassroots_branches.all()),
                   "name": pair.name}
    form = forms.PairForm(request.POST or None, initial=initial)

    def save(data):
        save_pair(year=year, lead_branch=data["lead_branch"], grassroots_branches=list(data["grassroots_branches"]),
                  name=data.get("name") or "", pair=pair)

    return form_page(request, form=form, save=save, title=_("调整共建对子") if pair else _("新增共建对子"),
                      subtitle=_("%(year)s 年度") % {"year": year}, back_url=_year_url(year, "pairs"),
                      success=_("共建对子已保存。"), record=pair)


@org_admin_required
@require_POST
def pair_delete(request, year: int, pk: int):
    from django.db.models import ProtectedError

    from pairing.models import Pair

    pair = get_object_or_404(Pair, pk=pk, year=year)
    try:
        pair.delete()
    except ProtectedError:
        messages.error(request, _("该对子已有活动记录，不能删除。"))
    else:
        messages.success(request, _("共建对子已删除。"))
    return redirect(_year_url(year, "pairs"))


@org_admin_required
@require_POST
def copy_pairs(request, year: int):
    form = forms.CopyPairsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的来源年度。"))
        return redirect(_year_url(year, "pairs"))
    try:
        report = services.copy_pairs_with_report(source_year=form.cleaned_data["source_year"], target_year=year)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(_year_url(year, "pairs"))
    messages.success(request, _("已复制 %(n)s 个共建对子，跳过 %(m)s 个。") % {
        "n": len(report.created), "m": len(report.skipped)})
    _keep_report(request, "pairs", form.cleaned_data["source_year"], [str(p) for p in report.created],
                 [{"name": str(s["pair"]), "reasons": s["reasons"]} for s in report.skipped])
    return redirect(_year_url(year, "pairs"))


def _keep_report(request, section: str, source_year: int, created: list[str], skipped: list[dict]) -> None:
    """What a copy did, shown once on the year page beside the section it copied."""
    request.session["copy_report"] = {
        "section": section, "source_year": source_year, "created": created,
        "skipped": [{"name": str(s["name"]), "reasons": [str(r) for r in s["reasons"]]} for s in skipped],
    }


def _copy_view(request, year: int, *, section: str, copy, label: str):
    form = forms.CopyPairsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的来源年度。"))
        return redirect(_year_url(year, section))
    try:
        report = copy(source_year=form.cleaned_data["source_year"], target_year=year)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(_year_url(year, section))
    messages.success(request, _("已复制 %(n)s 个%(what)s，跳过 %(m)s 个。") % {
        "n": len(report.created), "m": len(report.skipped), "what": label})
    _keep_report(request, section, form.cleaned_data["source_year"], [str(c) for c in report.created], report.skipped)
    return redirect(_year_url(year, section))


@org_admin_required
@require_POST
def copy_partnerships(request, year: int):
    return _copy_view(request, year, section="partnerships", copy=pairing_year_copy.copy_partnerships,
                      label=_("党建共建"))


@org_admin_required
@require_POST
def copy_assessment(request, year: int):
    return _copy_view(request, year, section="assessment", copy=year_copy.copy_assessment_contents,
                      label=_("考核内容"))


@org_admin_required
@require_POST
def partnership_create(request, year: int):
    from pairing.services import save_partnership

    form = forms.PartnershipForm(request.POST, candidates=selectors.partnership_candidates(year=year))
    if not form.is_valid():
        messages.error(request, _("请选择一个外闯党员达到 5 名及以上的外部党组织。"))
        return redirect(_year_url(year, "partnerships"))
    branch_id, org_id = form.cleaned_data["candidate"]
    try:
        save_partnership(year=year, branch=get_object_or_404(Branch, pk=branch_id),
                         external_org=get_object_or_404(ExternalOrganization, pk=org_id))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("党建共建已建立。"))
    return redirect(_year_url(year, "partnerships"))


@org_admin_required
@require_POST
def partnership_delete(request, year: int, pk: int):
    from django.db.models import ProtectedError

    from pairing.models import Partnership

    ps = get_object_or_404(Partnership, pk=pk, year=year)
    try:
        ps.delete()
    except ProtectedError:
        messages.error(request, _("该共建已有活动记录，不能删除。"))
    else:
        messages.success(request, _("党建共建已删除。"))
    return redirect(_year_url(year, "partnerships"))


@org_admin_required
def assessment_edit(request, year: int, pk: int | None = None):
    content = get_object_or_404(AssessmentContent, pk=pk, year=year) if pk else None
    form = forms.AssessmentContentForm(request.POST or None, instance=content,
                                       initial={"unit": request.GET.get("unit")} if not content else None)

    def save(data):
        services.save_assessment_content(content=content, unit=data["unit"], year=year, title=data["title"],
                                         duty=data.get("duty"), description=data.get("description") or "",
                                         weight=data.get("weight"))

    return form_page(request, form=form, save=save, title=_("编辑考核内容") if content else _("新增考核内容"),
                      subtitle=_("%(year)s 年度") % {"year": year}, back_url=_year_url(year, "assessment"),
                      success=_("考核内容已保存。"))


@org_admin_required
@require_POST
def assessment_delete(request, year: int, pk: int):
    services.delete_assessment_content(content=get_object_or_404(AssessmentContent, pk=pk, year=year))
    messages.success(request, _("考核内容已删除。"))
    return redirect(_year_url(year, "assessment"))


@org_admin_required
@require_POST
def year_settings(request, year: int):
    form = forms.YearSettingsForm(request.POST)
    if form.is_valid():
        try:
            services.save_year_settings(year=year, plan_deadline=form.cleaned_data["plan_deadline"],
                                        expected_version=form.cleaned_data.get("version"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("备案截止日已保存。"))
    else:
        messages.error(request, _("请填写有效的日期。"))
    return redirect(_year_url(year, "settings"))


# --------------------------------------------------------------------------------------------- filing board


@org_admin_required
def filing_board(request):
    year = year_param(request)
    status = request.GET.get("status", "")
    board = selectors.filing_board(year=year)
    rows = [r for r in board["rows"] if not status or r.status == status]
    return render(request, "branches/console/filing.html", {"year": year, **board, "rows": rows, "status": status})


@org_admin_required
@require_POST
def filing_remind(request):
    year = year_param(request)
    result = services.remind_missing_plans(year=year)
    if result.created:
        messages.success(request, _("已向 %(users)s 人发送 %(n)s 条提醒。") % {"users": result.users, "n": result.created})
    elif result.recipients:
        messages.info(request, _("本周已提醒过，未重复发送。"))
    elif result.items:
        messages.warning(request, _("未备案的支部或部门还没有书记、支委或部门负责人账号，无法发送提醒。"))
    else:
        messages.info(request, _("没有未备案的方案。"))
    return redirect(reverse("branches:filing") + f"?year={year}")
