"""Excel import of members, branches, party groups and committee members: a template with Chinese headers, an upload checked by content
and size, every row validated first, then all rows written or none, with a row-by-row report."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

import filetype
import openpyxl
import xlsxwriter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.models import Branch, CommitteeMember, ExternalOrganization, Member, PartyGroup, Unit

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_MAX_BYTES = getattr(settings, "IMPORT_MAX_FILE_BYTES", 5 * 1024 * 1024)
IMPORT_MAX_ROWS = 20000

EVIDENCE_MIMES = {
    "image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf",
    "application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel", XLSX_MIME,
    "application/vnd.ms-powerpoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def _read_head(upload, size: int = 8192) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def check_evidence_file(upload, *, field: str = "file") -> None:
    """An evidence file of the 四同 or a plan document: a picture, PDF or Office file, checked by content.
    Errors are keyed by `field`, the name the file has on the form or in the API."""
    limit = getattr(settings, "EVIDENCE_MAX_FILE_BYTES", 10 * 1024 * 1024)
    if upload.size > limit:
        raise ValidationError({field: _("文件不能超过 %(mb)s MB。") % {"mb": limit // (1024 * 1024)}})
    kind = filetype.guess(_read_head(upload))  # filetype reads no more than the first 8 KB
    if kind is None or kind.mime not in EVIDENCE_MIMES:
        raise ValidationError({field: _("只能上传图片、PDF、Word、Excel 或 PowerPoint 文件。")})


def check_xlsx_upload(upload) -> None:
    if upload is None:
        raise ValidationError({"file": _("请选择要导入的 Excel 文件。")})
    if upload.size > IMPORT_MAX_BYTES:
        raise ValidationError({"file": _("文件不能超过 %(mb)s MB。") % {"mb": IMPORT_MAX_BYTES // (1024 * 1024)}})
    if upload.size == 0:
        raise ValidationError({"file": _("文件是空的。")})
    kind = filetype.guess(_read_head(upload))
    if kind is None or kind.mime != XLSX_MIME:
        raise ValidationError({"file": _("只能导入 Excel 2007 及以上格式（.xlsx）的文件，请使用下载的模板。")})


# --------------------------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    width: int = 16
    choices: tuple[str, ...] = ()
    note: str = ""


def _choice_labels(choices) -> tuple[str, ...]:
    return tuple(str(label) for _value, label in choices)


def member_columns() -> list[Column]:
    return [
        Column("employee_no", _("员工编号"), True, 14, note=_("唯一；已存在的编号将更新该党员信息")),
        Column("name", _("姓名"), True, 12),
        Column("branch", _("党支部编码"), True, 14, note=_("组织管理中党支部的编码")),
        Column("gender", _("性别"), False, 8, _choice_labels(Member.Gender.choices)),
        Column("phone", _("手机"), False, 14),
        Column("joined_party_on", _("入党时间"), False, 14, note=_("日期，如 2001-07-01")),
        Column("status", _("在岗状态"), True, 12, _choice_labels(Member.Status.choices)),
        Column("place", _("工作生活地"), False, 12, _choice_labels(Member.Place.choices), note=_("留空为东营本地")),
        Column("place_detail", _("具体地点"), False, 16),
        Column("outside_org", _("外闯所在单位党组织"), False, 22, note=_("外闯党员必填，须为系统中已有的外部党组织名称")),
    ]


def branch_columns() -> list[Column]:
    return [
        Column("code", _("支部编码"), True, 14, note=_("唯一；已存在的编码将更新该支部")),
        Column("name", _("支部名称"), True, 28),
        Column("unit", _("所属单位编码"), True, 14, note=_("组织管理中单位的编码")),
        Column("is_active", _("是否有效"), False, 10, (_("是"), _("否")), note=_("留空为“是”")),
    ]


def party_group_columns() -> list[Column]:
    return [
        Column("branch", _("党支部编码"), True, 14),
        Column("name", _("党小组名称"), True, 20, note=_("同一支部内唯一；已存在的党小组将更新")),
        Column("leader", _("组长员工编号"), False, 14),
        Column("is_temporary", _("临时党小组"), False, 10, (_("是"), _("否")), note=_("留空为“否”")),
        Column("members", _("成员员工编号"), False, 40, note=_("多个编号用顿号、逗号或空格分隔；填写后该小组成员即为所列党员")),
    ]


def committee_columns() -> list[Column]:
    return [
        Column("branch", _("党支部编码"), True, 14),
        Column("employee_no", _("员工编号"), True, 14, note=_("须为本支部党员；已是支委的将更新职务")),
        Column("post", _("职务"), True, 12, _choice_labels(CommitteeMember.Post.choices)),
        Column("since", _("任职时间"), False, 14, note=_("日期，如 2024-03-01")),
    ]


IMPORT_KINDS = {
    "members": {"label": gettext_lazy("党员"), "columns": member_columns, "filename": "members-template.xlsx"},
    "branches": {"label": gettext_lazy("党支部"), "columns": branch_columns, "filename": "branches-template.xlsx"},
    "party_groups": {"label": gettext_lazy("党小组"), "columns": party_group_columns,
                     "filename": "party-groups-template.xlsx"},
    "committee": {"label": gettext_lazy("支委"), "columns": committee_columns, "filename": "committee-template.xlsx"},
}


def build_template(kind: str) -> bytes:
    """The downloadable template: Chinese headers in row 1, drop-downs for choices, a sheet of notes."""
    columns = IMPORT_KINDS[kind]["columns"]()
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(str(IMPORT_KINDS[kind]["label"]))
    header = workbook.add_format({"bold": True, "bg_color": "#F3D9D9", "border": 1})
    required = workbook.add_format({"bold": True, "bg_color": "#E8B4B4", "border": 1})
    for index, column in enumerate(columns):
        sheet.write(0, index, column.header, required if column.required else header)
        sheet.set_column(index, index, column.width)
        if column.choices:
            sheet.data_validation(1, index, IMPORT_MAX_ROWS, index, {"validate": "list", "source": list(column.choices)})
        if column.note:
            sheet.write_comment(0, index, column.note)
    sheet.freeze_panes(1, 0)
    notes = workbook.add_worksheet(_("填写说明"))
    notes.set_column(0, 0, 22)
    notes.set_column(1, 1, 10)
    notes.set_column(2, 2, 60)
    notes.write_row(0, 0, [_("列"), _("必填"), _("说明")], header)
    for row, column in enumerate(columns, start=1):
        allowed = ("；" + _("可选：") + "、".join(column.choices)) if column.choices else ""
        notes.write_row(row, 0, [column.header, _("是") if column.required else "", f"{column.note}{allowed}"])
    notes.write(len(columns) + 2, 0, _("导入时先逐行检查，全部无误才写入；有任何错误行则一行都不写入。"))
    workbook.close()
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------- import


@dataclass
class RowError:
    row: int
    column: str
    reason: str


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    return str(value).strip()


def _date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").rstrip("日")
    try:
        return date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError:
        raise ValueError(_("日期格式无效，应如 2001-07-01"))


def _read_rows(upload, columns: list[Column]) -> tuple[list[tuple[int, dict]], list[RowError]]:
    try:
        upload.seek(0)
        workbook = openpyxl.load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable workbook gets the same answer
        raise ValidationError({"file": _("无法读取该 Excel 文件，请使用下载的模板重新填写。")})
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header_row = next(rows, None) or ()
    headers = [_text(h) for h in header_row]
    index_of = {}
    errors = []
    for column in columns:
        if column.header in headers:
            index_of[column.key] = headers.index(column.header)
        elif column.required:
            errors.append(RowError(1, column.header, _("缺少必填列“%(col)s”，请使用下载的模板。") % {"col": column.header}))
    if errors:
        workbook.close()
        return [], errors
    data = []
    for number, values in enumerate(rows, start=2):
        if number - 1 > IMPORT_MAX_ROWS:
            errors.append(RowError(number, "", _("一次最多导入 %(n)s 行。") % {"n": IMPORT_MAX_ROWS}))
            break
        if values is None or all(v in (None, "") for v in values):
            continue
        data.append((number, {key: (values[i] if i < len(values) else None) for key, i in index_of.items()}))
    workbook.close()
    return data, errors


def _field_errors(exc: ValidationError, headers: dict[str, str], row: int) -> list[RowError]:
    result = []
    if hasattr(exc, "error_dict"):
        for key, messages in exc.message_dict.items():
            for message in messages:
                result.append(RowError(row, headers.get(key, ""), message))
    else:
        for message in exc.messages:
            result.append(RowError(row, "", message))
    return result


def _choice_value(label: str, choices, column: Column, row: int, errors: list[RowError], default=""):
    if not label:
        return default
    mapping = {str(lbl): value for value, lbl in choices}
    mapping.update({value: value for value, _lbl in choices})
    if label not in mapping:
        errors.append(RowError(row, column.header, _("“%(value)s”无效，可选：%(choices)s") % {
            "value": label, "choices": "、".join(column.choices)}))
        return None
    return mapping[label]


def _missing(values: dict, keys: tuple[str, ...], col: dict[str, Column], row: int) -> list[RowError]:
    return [RowError(row, col[key].header, _("必填。")) for key in keys if not _text(values.get(key))]


def _duplicate(key: str, seen: dict[str, int], column: Column, row: int, message: str) -> list[RowError]:
    """An error if `key` was on an earlier row (`message` names that row as %(row)s); else remember it."""
    if key in seen:
        return [RowError(row, column.header, message % {"row": seen[key]})]
    if key:
        seen[key] = row
    return []


def _full_clean(instance, headers: dict[str, str], row: int, errors: list[RowError]) -> bool:
    try:
        instance.full_clean()
    except ValidationError as exc:
        errors.extend(_field_errors(exc, headers, row))
        return False
    return True


def _write(prepared: list, result: ImportResult) -> ImportResult:
    """All rows or none: called only once every row has passed."""
    with transaction.atomic():
        for instance in prepared:
            if instance.pk:
                result.updated += 1
            else:
                result.created += 1
            instance.save()
    return result


def import_members(upload) -> ImportResult:
    check_xlsx_upload(upload)
    columns = member_columns()
    col = {c.key: c for c in columns}
    headers = {c.key: c.header for c in columns}
    rows, errors = _read_rows(upload, columns)
    result = ImportResult(kind="members", rows=len(rows), errors=errors)
    if errors:
        return result
    branches = {b.code: b for b in Branch.objects.all()}
    orgs = {o.name: o for o in ExternalOrganization.objects.all()}
    employee_nos = [_text(values.get("employee_no")) for _n, values in rows]
    existing = {m.employee_no: m for m in Member.objects.filter(employee_no__in=[e for e in employee_nos if e])
                .select_related("party_group")}
    seen: dict[str, int] = {}
    prepared: list[Member] = []
    for number, values in rows:
        row_errors = _missing(values, ("employee_no", "name", "branch", "status"), col, number)
        employee_no = _text(values.get("employee_no"))
        row_errors += _duplicate(employee_no, seen, col["employee_no"], number, _("与第 %(row)s 行的员工编号重复。"))
        branch_code = _text(values.get("branch"))
        branch = branches.get(branch_code)
        if branch_code and branch is None:
            row_errors.append(RowError(number, col["branch"].header,
                                       _("党支部编码“%(code)s”不存在。") % {"code": branch_code}))
        org_name = _text(values.get("outside_org"))
        org = orgs.get(org_name) if org_name else None
        if org_name and org is None:
            row_errors.append(RowError(number, col["outside_org"].header,
                                       _("外部党组织“%(name)s”不存在，请先在组织管理中添加。") % {"name": org_name}))
        status = _choice_value(_text(values.get("status")), Member.Status.choices, col["status"], number, row_errors)
        place = _choice_value(_text(values.get("place")), Member.Place.choices, col["place"], number, row_errors,
                              default=Member.Place.DONGYING)
        gender = _choice_value(_text(values.get("gender")), Member.Gender.choices, col["gender"], number, row_errors)
        try:
            joined = _date(values.get("joined_party_on"))
        except ValueError as exc:
            joined = None
            row_errors.append(RowError(number, col["joined_party_on"].header, str(exc)))
        if row_errors:
            errors.extend(row_errors)
            continue
        member = existing.get(employee_no) or Member()
        member.employee_no = employee_no
        member.name = _text(values.get("name"))
        member.branch = branch
        member.status = status
        member.place = place or Member.Place.DONGYING
        member.gender = gender or ""
        member.phone = _text(values.get("phone"))
        member.joined_party_on = joined
        member.place_detail = _text(values.get("place_detail"))
        member.outside_org = org
        if member.party_group_id and member.party_group.branch_id != branch.pk:
            member.party_group = None
        if _full_clean(member, headers, number, errors):
            prepared.append(member)
    return result if errors else _write(prepared, result)


def import_branches(upload) -> ImportResult:
    check_xlsx_upload(upload)
    columns = branch_columns()
    col = {c.key: c for c in columns}
    headers = {c.key: c.header for c in columns}
    rows, errors = _read_rows(upload, columns)
    result = ImportResult(kind="branches", rows=len(rows), errors=errors)
    if errors:
        return result
    units = {u.code: u for u in Unit.objects.all()}
    codes = [_text(values.get("code")) for _n, values in rows]
    existing = {b.code: b for b in Branch.objects.filter(code__in=[c for c in codes if c]).select_related("unit")}
    yes, no = {_("是"), "是", "Y", "y", "1", "TRUE", "True", "true"}, {_("否"), "否", "N", "n", "0", "FALSE", "False", "false"}
    seen: dict[str, int] = {}
    prepared: list[Branch] = []
    for number, values in rows:
        row_errors = _missing(values, ("code", "name", "unit"), col, number)
        code = _text(values.get("code"))
        row_errors += _duplicate(code, seen, col["code"], number, _("与第 %(row)s 行的支部编码重复。"))
        unit_code = _text(values.get("unit"))
        unit = units.get(unit_code)
        if unit_code and unit is None:
            row_errors.append(RowError(number, col["unit"].header, _("单位编码“%(code)s”不存在。") % {"code": unit_code}))
        active_text = _text(values.get("is_active"))
        is_active = True
        if active_text in no:
            is_active = False
        elif active_text and active_text not in yes:
            row_errors.append(RowError(number, col["is_active"].header, _("请填写“是”或“否”。")))
        if row_errors:
            errors.extend(row_errors)
            continue
        branch = existing.get(code) or Branch()
        branch.code, branch.name, branch.unit = code, _text(values.get("name")), unit
        # An imported organisation is taken as it stands, not as set up on the day of the import.
        branch.mark_active(is_active, today=timezone.localdate(), set_up_today=False)
        branch.kind = Branch.KIND_BY_UNIT.get(unit.kind, Branch.Kind.GRASSROOTS)
        if _full_clean(branch, headers, number, errors):
            prepared.append(branch)
    return result if errors else _write(prepared, result)


YES, NO = {"是", "Y", "y", "1", "TRUE", "True", "true"}, {"否", "N", "n", "0", "FALSE", "False", "false"}
SEPARATORS = re.compile(r"[、,，;；\s]+")


def _yes_no(text: str, column: Column, row: int, errors: list[RowError], default: bool) -> bool:
    if not text:
        return default
    if text in YES or text == _("是"):
        return True
    if text in NO or text == _("否"):
        return False
    errors.append(RowError(row, column.header, _("请填写“是”或“否”。")))
    return default


def _branch_of(values: dict, branches: dict, column: Column, row: int, errors: list[RowError]):
    code = _text(values.get("branch"))
    branch = branches.get(code)
    if code and branch is None:
        errors.append(RowError(row, column.header, _("党支部编码“%(code)s”不存在。") % {"code": code}))
    return branch


def _member_of(members: dict, no: str, branch, column: Column, row: int, errors: list[RowError]):
    member = members.get(no)
    if member is None:
        errors.append(RowError(row, column.header, _("员工编号“%(no)s”不存在。") % {"no": no}))
    elif branch is not None and member.branch_id != branch.pk:
        errors.append(RowError(row, column.header, _("“%(name)s”（%(no)s）不是该支部党员。") % {
            "name": member.name, "no": no}))
    return member


def import_party_groups(upload) -> ImportResult:
    check_xlsx_upload(upload)
    columns = party_group_columns()
    col = {c.key: c for c in columns}
    rows, errors = _read_rows(upload, columns)
    result = ImportResult(kind="party_groups", rows=len(rows), errors=errors)
    if errors:
        return result
    branches = {b.code: b for b in Branch.objects.all()}
    members = {m.employee_no: m for m in Member.objects.filter(is_active=True)}
    existing = {(g.branch_id, g.name): g for g in PartyGroup.objects.all()}
    seen: dict[str, int] = {}
    claimed: dict[str, int] = {}
    prepared: list[tuple[PartyGroup, list[Member] | None]] = []
    for number, values in rows:
        row_errors = _missing(values, ("branch", "name"), col, number)
        branch = _branch_of(values, branches, col["branch"], number, row_errors)
        name = _text(values.get("name"))
        row_errors += _duplicate(f"{_text(values.get('branch'))}/{name}", seen, col["name"], number,
                                 _("与第 %(row)s 行的党小组重复。"))

        leader_no = _text(values.get("leader"))
        leader = (_member_of(members, leader_no, branch, col["leader"], number, row_errors)
                  if leader_no else None)
        listed = [no for no in SEPARATORS.split(_text(values.get("members"))) if no]
        chosen = ([_member_of(members, no, branch, col["members"], number, row_errors) for no in listed]
                  if listed else None)
        for no in listed:
            if no in claimed:
                row_errors.append(RowError(number, col["members"].header, _(
                    "员工编号“%(no)s”已列在第 %(row)s 行的党小组。") % {"no": no, "row": claimed[no]}))
            claimed.setdefault(no, number)
        temporary = _yes_no(_text(values.get("is_temporary")), col["is_temporary"], number, row_errors, False)
        if row_errors:
            errors.extend(row_errors)
            continue
        group = existing.get((branch.pk, name)) or PartyGroup(branch=branch, name=name)
        group.leader, group.is_temporary = leader, temporary
        if _full_clean(group, {"name": col["name"].header, "leader": col["leader"].header}, number, errors):
            if chosen is not None and leader is not None and leader not in chosen:
                chosen.append(leader)
            prepared.append((group, chosen))
    if errors:
        return result
    with transaction.atomic():
        for group, chosen in prepared:
            if group.pk:
                result.updated += 1
            else:
                result.created += 1
            group.save()
            if chosen is None:
                continue
            for m in Member.objects.filter(party_group=group).exclude(pk__in=[c.pk for c in chosen]):
                m.party_group = None
                m.save(update_fields=["party_group"])
            for m in chosen:
                if m.party_group_id != group.pk:
                    m.party_group = group
                    m.save(update_fields=["party_group"])
    return result


def import_committee(upload) -> ImportResult:
    check_xlsx_upload(upload)
    columns = committee_columns()
    col = {c.key: c for c in columns}
    rows, errors = _read_rows(upload, columns)
    result = ImportResult(kind="committee", rows=len(rows), errors=errors)
    if errors:
        return result
    branches = {b.code: b for b in Branch.objects.all()}
    members = {m.employee_no: m for m in Member.objects.filter(is_active=True)}
    existing = {(c.branch_id, c.member_id): c for c in CommitteeMember.objects.all()}
    seen: dict[str, int] = {}
    prepared: list[CommitteeMember] = []
    for number, values in rows:
        row_errors = _missing(values, ("branch", "employee_no", "post"), col, number)
        branch = _branch_of(values, branches, col["branch"], number, row_errors)
        no = _text(values.get("employee_no"))
        row_errors += _duplicate(f"{_text(values.get('branch'))}/{no}", seen, col["employee_no"], number,
                                 _("与第 %(row)s 行重复。"))
        member = members.get(no) if no else None
        if no and member is None:
            row_errors.append(RowError(number, col["employee_no"].header, _("员工编号“%(no)s”不存在。") % {"no": no}))
        post = _choice_value(_text(values.get("post")), CommitteeMember.Post.choices, col["post"], number, row_errors)
        try:
            since = _date(values.get("since"))
        except ValueError as exc:
            since = None
            row_errors.append(RowError(number, col["since"].header, str(exc)))
        if row_errors:
            errors.extend(row_errors)
            continue
        cm = existing.get((branch.pk, member.pk)) or CommitteeMember(branch=branch, member=member)
        cm.post, cm.since = post, since
        headers = {"member": col["employee_no"].header, "post": col["post"].header, "since": col["since"].header}
        if _full_clean(cm, headers, number, errors):
            prepared.append(cm)
    return result if errors else _write(prepared, result)


IMPORTERS = {"members": import_members, "branches": import_branches, "party_groups": import_party_groups,
             "committee": import_committee}


def run_import(*, kind: str, upload) -> ImportResult:
    if kind in IMPORTERS:
        return IMPORTERS[kind](upload)
    raise ValidationError({"kind": _("未知的导入类型。")})
