"""Fixed lists the partner records draw on: prefectures, industries, customer segments."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Prefecture(models.TextChoices):
    """The 47 prefectures by their JIS X 0401 code."""

    HOKKAIDO = "01", _("Hokkaido")
    AOMORI = "02", _("Aomori")
    IWATE = "03", _("Iwate")
    MIYAGI = "04", _("Miyagi")
    AKITA = "05", _("Akita")
    YAMAGATA = "06", _("Yamagata")
    FUKUSHIMA = "07", _("Fukushima")
    IBARAKI = "08", _("Ibaraki")
    TOCHIGI = "09", _("Tochigi")
    GUNMA = "10", _("Gunma")
    SAITAMA = "11", _("Saitama")
    CHIBA = "12", _("Chiba")
    TOKYO = "13", _("Tokyo")
    KANAGAWA = "14", _("Kanagawa")
    NIIGATA = "15", _("Niigata")
    TOYAMA = "16", _("Toyama")
    ISHIKAWA = "17", _("Ishikawa")
    FUKUI = "18", _("Fukui")
    YAMANASHI = "19", _("Yamanashi")
    NAGANO = "20", _("Nagano")
    GIFU = "21", _("Gifu")
    SHIZUOKA = "22", _("Shizuoka")
    AICHI = "23", _("Aichi")
    MIE = "24", _("Mie")
    SHIGA = "25", _("Shiga")
    KYOTO = "26", _("Kyoto")
    OSAKA = "27", _("Osaka")
    HYOGO = "28", _("Hyogo")
    NARA = "29", _("Nara")
    WAKAYAMA = "30", _("Wakayama")
    TOTTORI = "31", _("Tottori")
    SHIMANE = "32", _("Shimane")
    OKAYAMA = "33", _("Okayama")
    HIROSHIMA = "34", _("Hiroshima")
    YAMAGUCHI = "35", _("Yamaguchi")
    TOKUSHIMA = "36", _("Tokushima")
    KAGAWA = "37", _("Kagawa")
    EHIME = "38", _("Ehime")
    KOCHI = "39", _("Kochi")
    FUKUOKA = "40", _("Fukuoka")
    SAGA = "41", _("Saga")
    NAGASAKI = "42", _("Nagasaki")
    KUMAMOTO = "43", _("Kumamoto")
    OITA = "44", _("Oita")
    MIYAZAKI = "45", _("Miyazaki")
    KAGOSHIMA = "46", _("Kagoshima")
    OKINAWA = "47", _("Okinawa")


class Industry(models.TextChoices):
    """Industries a partner's customers are in (major groups, simplified)."""

    MANUFACTURING = "manufacturing", _("Manufacturing")
    CONSTRUCTION = "construction", _("Construction and real estate")
    RETAIL = "retail", _("Retail and wholesale")
    FINANCE = "finance", _("Finance and insurance")
    IT = "it", _("IT and telecommunications")
    HEALTHCARE = "healthcare", _("Healthcare and welfare")
    EDUCATION = "education", _("Education")
    LOGISTICS = "logistics", _("Logistics and transport")
    HOSPITALITY = "hospitality", _("Hospitality and food service")
    PROFESSIONAL = "professional", _("Professional services")
    PUBLIC = "public", _("Public sector")
    OTHER = "other", _("Other")


class CustomerSegment(models.TextChoices):
    SMALL = "small", _("Small businesses")
    MID = "mid", _("Mid-sized companies")
    ENTERPRISE = "enterprise", _("Enterprises")
    PUBLIC = "public", _("Public sector")


class EntityKind(models.TextChoices):
    # Drives tax and payment rules later (withholding, Freelance Act): keep it exact.
    COMPANY = "company", _("Company")
    INDIVIDUAL = "individual", _("Individual")
    ONE_PERSON_COMPANY = "one_person_company", _("One-person company")


class PartnerStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ONBOARDING = "onboarding", _("Onboarding")
    ACTIVE = "active", _("Active")
    DORMANT = "dormant", _("Dormant")
    TERMINATED = "terminated", _("Terminated")


class Priority(models.TextChoices):
    A = "A", _("A")
    B = "B", _("B")
    C = "C", _("C")
    D = "D", _("D")


class BankAccountType(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary (futsu)")
    CURRENT = "current", _("Current (toza)")
    SAVINGS = "savings", _("Savings (chochiku)")


class ActivityKind(models.TextChoices):
    REGULAR_MEETING = "regular_meeting", _("Regular meeting")
    STUDY_SESSION = "study_session", _("Study session")
    JOINT_VISIT = "joint_visit", _("Joint sales visit")
    DINNER = "dinner", _("Dinner")
    CALL = "call", _("Call")
    EMAIL = "email", _("E-mail")
    OTHER = "other", _("Other")


class ProspectStage(models.TextChoices):
    SOURCED = "sourced", _("Sourced")
    CONTACTED = "contacted", _("Contacted")
    MEETING = "meeting", _("Meeting")
    PROPOSAL = "proposal", _("Proposal")
    SIGNED = "signed", _("Signed")
    LOST = "lost", _("Lost")


OPEN_PROSPECT_STAGES = (
    ProspectStage.SOURCED,
    ProspectStage.CONTACTED,
    ProspectStage.MEETING,
    ProspectStage.PROPOSAL,
)


class ProspectSource(models.TextChoices):
    EXISTING_CUSTOMER = "existing_customer", _("Existing customer")
    OUTBOUND = "outbound", _("Outbound")
    MEDIA = "media", _("Media")
    INTRODUCTION = "introduction", _("Introduction")
    INDUSTRY_ASSOCIATION = "industry_association", _("Industry association")
    FORMER_EMPLOYEE = "former_employee", _("Former employee")
    INBOUND_APPLICATION = "inbound_application", _("Inbound application")
    EVENT = "event", _("Event")


class PortalProfileGroup(models.TextChoices):
    """Parts of their company profile a tenant may let partner admins change in the portal."""

    ADDRESS = "address", _("Postal address")
    WEBSITE = "website", _("Website")
    REGISTRATION_NUMBER = "registration_number", _("Registration number (T-number)")
    BANK_ACCOUNT = "bank_account", _("Bank account for payouts")
