"""Demo training (for `manage.py demo_data`; the programs app's demo loader calls it): three
courses, two in Japanese and one in English, each with lessons and a short quiz, published;
then quiz attempts of demo reps: most pass (some of them certified long enough ago that their
certification ends within 30 days, a few already expired), some fail first and pass on the
retake, some only fail. Written through the services, so the demo has the audit rows a real
tenant would. Run once: a tenant that already has courses is left alone."""

import datetime
import uuid

from django.db import transaction
from django.utils import timezone, translation

from accounts.models import Tenant
from accounts.tenancy import tenant_context
from partners.models import PartnerRep
from programs.commission.calculator import add_months
from programs.models import Asset, Course, Question
from programs.services.training import (
    course_create,
    course_publish,
    lesson_add,
    question_add,
    quiz_submit,
)

# (title, language, validity months, pass mark, description, lessons, questions); a lesson is
# (kind, title, body, url), a question (text, several right, [(answer, right)]).
COURSES = [
    (
        "製品基礎講座",
        "ja",
        12,
        80,
        "製品の価値と導入の流れを学ぶ、すべてのパートナー営業向けの講座です。",
        [
            (
                "text",
                "製品が解決する課題",
                "紙とメールで回していた申請業務を、一つの画面にまとめます。\n"
                "導入企業では、申請から承認までの時間が平均で半分になりました。",
                "",
            ),
            ("asset", "導入事例を読む", "事例の数字をお客様との会話に使ってください。", ""),
            (
                "link",
                "製品デモ動画（5分）",
                "",
                "https://video.example.com/product-demo",
            ),
        ],
        [
            (
                "製品が主に短くするのはどれですか。",
                False,
                [
                    ("申請から承認までの時間", True),
                    ("採用にかかる時間", False),
                    ("配送時間", False),
                ],
            ),
            (
                "導入の最初の一歩として正しいものをすべて選んでください。",
                True,
                [
                    ("現在の申請の流れを聞き取る", True),
                    ("対象部署を一つ決める", True),
                    ("全社一斉に切り替える", False),
                ],
            ),
            (
                "無料トライアルの期間は何日ですか。",
                False,
                [("14日", False), ("30日", True), ("90日", False)],
            ),
        ],
    ),
    (
        "カスタマーサクセス認定",
        "ja",
        12,
        100,
        "導入後の定着支援を担うパートナー向けの認定です。認定を受けた担当者のみが"
        "カスタマーサクセスを担当できます。",
        [
            (
                "text",
                "定着支援の三つの段階",
                "1. 初期設定の確認\n2. 利用部署の拡大\n3. 四半期ごとの振り返り",
                "",
            ),
            (
                "text",
                "解約の兆しに気づく",
                "ログイン数が二か月続けて下がったら、担当者に連絡してください。",
                "",
            ),
        ],
        [
            (
                "解約の兆しとして挙げたものはどれですか。",
                False,
                [("ログイン数の低下が二か月続く", True), ("問い合わせが一件あった", False)],
            ),
            (
                "定着支援の段階に含まれるものをすべて選んでください。",
                True,
                [
                    ("初期設定の確認", True),
                    ("利用部署の拡大", True),
                    ("値引きの提案", False),
                ],
            ),
        ],
    ),
    (
        "Partner Sales Essentials",
        "en",
        24,
        70,
        "The sales process for partners selling in English: qualify, demo, close.",
        [
            (
                "text",
                "Qualify the lead",
                "Ask who approves the purchase, what the budget is and when they need it.",
                "",
            ),
            (
                "link",
                "The sales playbook",
                "Read the playbook's first chapter.",
                "https://docs.example.com/partner-playbook",
            ),
        ],
        [
            (
                "Which question qualifies the lead?",
                False,
                [("Who approves the purchase?", True), ("What is your favourite colour?", False)],
            ),
            (
                "Which steps belong to the sales process?",
                True,
                [("Qualify", True), ("Demo", True), ("Invoice before the demo", False)],
            ),
            (
                "When do you register a deal?",
                False,
                [("Before the first meeting", True), ("After the customer has paid", False)],
            ),
        ],
    ),
]


def _answers(questions: list[Question], *, right: bool) -> dict[int, list[int]]:
    answers = {}
    for question in questions:
        choices = list(question.choices.all())
        correct = [c.pk for c in choices if c.is_correct]
        wrong = [c.pk for c in choices if not c.is_correct][:1]
        answers[question.pk] = correct if right else wrong
    return answers


def _create_courses(tenant: Tenant) -> list[tuple[Course, list[Question]]]:
    asset = Asset.objects.filter(tenant=tenant, is_archived=False).order_by("pk").first()
    created = []
    for title, language, validity, mark, description, lessons, questions in COURSES:
        course = course_create.nested(
            tenant=tenant,
            actor=None,
            title=title,
            token=uuid.uuid4().hex,
            description=description,
            language=language,
            validity_months=validity,
            pass_mark_percent=mark,
        )
        for kind, lesson_title, body, url in lessons:
            if kind == "asset" and asset is None:
                continue
            lesson_add.nested(
                tenant=tenant,
                actor=None,
                course=course,
                kind=kind,
                title=lesson_title,
                body=body,
                asset=asset if kind == "asset" else None,
                url=url,
            )
        made = [
            question_add.nested(
                tenant=tenant,
                actor=None,
                course=course,
                text=text,
                multiple=multiple,
                choices=choices,
            )
            for text, multiple, choices in questions
        ]
        course = course_publish.nested(tenant=tenant, actor=None, course=course)
        created.append((course, made))
    return created


def _attempt(tenant, rep, course, questions, *, right: bool, on: datetime.date):
    return quiz_submit.nested(
        tenant=tenant,
        rep=rep,
        membership=rep.membership,
        course=course,
        token=uuid.uuid4().hex,
        answers=_answers(questions, right=right),
        today=on,
    )


def load_training_demo(tenant: Tenant, stdout=None) -> int:
    """Fill one demo tenant's training; returns how many courses it created (0 when it had
    some)."""
    with tenant_context(tenant), translation.override(tenant.default_language):
        if Course.objects.filter(tenant=tenant).exists():
            return 0
        today = timezone.localdate()
        reps = list(
            PartnerRep.objects.filter(tenant=tenant, is_active=True)
            .select_related("membership")
            .order_by("partner_id", "pk")[:24]
        )
        with transaction.atomic():
            courses = _create_courses(tenant)
            attempts = 0
            for index, rep in enumerate(reps):
                course, questions = courses[index % len(courses)]
                validity = course.validity_months
                if index % 6 == 0:
                    # Certified long ago: the certification ends within 30 days.
                    on = add_months(today, -validity) + datetime.timedelta(days=5 + index % 20)
                    _attempt(tenant, rep, course, questions, right=True, on=on)
                elif index % 6 == 1:
                    # Failed, then passed on the retake.
                    on = today - datetime.timedelta(days=40 + index)
                    _attempt(tenant, rep, course, questions, right=False, on=on)
                    _attempt(tenant, rep, course, questions, right=True, on=on)
                    attempts += 1
                elif index % 6 == 2:
                    # Only failed so far.
                    _attempt(tenant, rep, course, questions, right=False, on=today)
                elif index % 6 == 3:
                    # Expired a while ago.
                    on = add_months(today, -validity) - datetime.timedelta(days=20)
                    _attempt(tenant, rep, course, questions, right=True, on=on)
                else:
                    on = today - datetime.timedelta(days=10 * index)
                    _attempt(tenant, rep, course, questions, right=True, on=on)
                attempts += 1
                if index % 4 == 0:
                    # Some reps hold a second course too (the tier figure counts them once).
                    other, other_questions = courses[(index + 1) % len(courses)]
                    _attempt(tenant, rep, other, other_questions, right=True, on=today)
                    attempts += 1
    if stdout is not None:
        stdout.write(f"  /{tenant.slug}/  {len(courses)} demo courses, {attempts} quiz attempts")
    return len(courses)
