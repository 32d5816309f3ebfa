"""The digest in each recipient's language: mail_to's ":ru" suffix, one message per language through a real SMTP
server (aiosmtpd on 127.0.0.1) read back, the files saved per language, Russian plural forms, the data's own
translations (unofficial, the original marked with its language where there is none) and the state with several
messages per run."""
from __future__ import annotations

import dataclasses
import datetime as dt
import email
import re
import shutil
from email import policy
from email.header import decode_header

import pytest

import monitor
from monitor.changes import NewEntry, compare, snapshot_of
from monitor.delivery_report import digest_status, resend
from monitor.digest import run_digest, summary_of
from monitor.i18n import use
from monitor.outbox import DigestState, short_id
from monitor.render.digest import render_html, render_text
from monitor.settings import SettingsError, load_settings
from tests.conftest import DATA
from tests.mail_servers import mail_env

CHANGED = DATA / "digest" / "changed.yaml"
LAST_WEEK, TODAY, NEXT_WEEK = dt.date(2026, 11, 17), dt.date(2026, 11, 24), dt.date(2026, 12, 1)
MIXED = "a@example.org, Bee <b@example.org>:ru"


def load(path, today=TODAY):
    return monitor.load_register(path, today=today)


@pytest.fixture
def data(tmp_path, no_monitor_env):
    """changed.yaml in its own folder (state and reports beside it), no MONITOR_* from the developer's shell."""
    path = tmp_path / "demands.yaml"
    shutil.copyfile(CHANGED, path)
    return path


def settings_for(data, port, to=MIXED, **extra):
    return load_settings(data, environ={**mail_env(port, data.parent / "state", to), **extra})


def raw_subject(raw: bytes) -> str:
    """The Subject header as it travelled: unfolded, still encoded."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    return re.search(r"^Subject: ([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", head, re.M).group(1).replace("\r\n", "")


def decoded(header: str) -> str:
    return "".join(part.decode(charset) if isinstance(part, bytes) else part
                   for part, charset in decode_header(header))


def spaced(text: str) -> str:
    """Russian dates hold a narrow no-break space before "г." (Babel's CLDR data): plain spaces, to compare."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


# -- settings ---------------------------------------------------------------------------------------------------

def test_mail_to_gives_each_address_its_language(tmp_path):
    s = load_settings(tmp_path / "demands.yaml", environ={"MONITOR_MAIL_TO": "a@example.org, b@example.org:ru, "
                                                                             "Cee <c@example.org>:en, d@example.org"})
    assert s.mail_to == ("a@example.org", "b@example.org", "Cee <c@example.org>", "d@example.org")
    assert s.mail_groups() == (("en", ("a@example.org", "Cee <c@example.org>", "d@example.org")),
                               ("ru", ("b@example.org",)))


def test_an_address_without_a_suffix_gets_the_settings_first_language(tmp_path):
    (tmp_path / "monitor.toml").write_text('language = ["ru", "en"]\n'
                                           'mail_to = ["a@example.org", "b@example.org:en"]\n', encoding="utf-8")
    s = load_settings(tmp_path / "demands.yaml", environ={})
    assert s.mail_groups() == (("ru", ("a@example.org",)), ("en", ("b@example.org",)))


def test_a_colon_inside_an_address_is_no_suffix(tmp_path):
    s = load_settings(tmp_path / "demands.yaml", environ={"MONITOR_MAIL_TO": "Team: Ann <a@example.org>, "
                                                                             "b@[IPv6:2001:db8::1]"})
    assert s.mail_groups() == (("en", ("Team: Ann <a@example.org>", "b@[IPv6:2001:db8::1]")),)


@pytest.mark.parametrize("where", ["env", "toml"])
def test_an_unknown_language_suffix_names_the_setting_and_the_languages_there_are(tmp_path, where):
    if where == "toml":
        (tmp_path / "monitor.toml").write_text('mail_to = ["a@example.org", "b@example.org:xx"]\n', encoding="utf-8")
        environ, source = {}, "monitor.toml: mail_to"
    else:
        environ, source = {"MONITOR_MAIL_TO": "a@example.org, b@example.org:xx"}, "MONITOR_MAIL_TO"
    with pytest.raises(SettingsError) as info:
        load_settings(tmp_path / "demands.yaml", environ=environ)
    said = str(info.value)
    assert source in said and "'xx'" in said and "en, ru" in said and "b@example.org:ru" in said


def test_the_same_mailbox_in_two_languages_is_still_given_twice(tmp_path):
    with pytest.raises(SettingsError, match="is given twice"):
        load_settings(tmp_path / "demands.yaml", environ={"MONITOR_MAIL_TO": "a@example.org, a@example.org:ru"})


def test_the_suffix_message_in_russian(tmp_path):
    with use("ru"), pytest.raises(SettingsError) as info:
        load_settings(tmp_path / "demands.yaml", environ={"MONITOR_MAIL_TO": "b@example.org:xx"})
    assert "указан язык, которого в monitor нет ('xx')" in str(info.value)


# -- through the mail server ------------------------------------------------------------------------------------

def test_a_russian_digest_arrives_with_an_encoded_subject_and_both_parts_in_russian(data, smtp):
    settings = settings_for(data, smtp.port, to="Bee <b@example.org>:ru")
    run_digest(load(data), settings, out_dir=data.parent / "reports", since=dt.date(2022, 3, 1), send=True,
               today=TODAY)
    assert [m[1] for m in smtp.messages] == [["b@example.org"]]
    raw = smtp.messages[0][2]
    subject = raw_subject(raw)
    assert subject.isascii() and "=?utf-8?" in subject.lower()  # RFC 2047: no raw UTF-8 in the header
    expected = "Требования: Examplestan: 4 новые записи о статусе (24 нояб. 2026 г.)"
    assert spaced(decoded(subject)) == expected
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert spaced(msg["Subject"]) == expected and msg["To"] == "Bee <b@example.org>"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in msg.iter_parts())
    text, html = (spaced(msg.get_body((kind,)).get_content()) for kind in ("plain", "html"))
    for words in ("Дайджест от 24 ноября 2026 г.", "с 1 марта 2022 г.", "НОВЫЕ ЗАПИСИ О СТАТУСЕ (4)",
                  "ВСЕ ТРЕБОВАНИЯ ПО СТАТУСАМ", "✓ выполнено", "Release of Richard Roe [EN]"):
        assert words in text, words
    assert '<html lang="ru">' in html
    for words in ("Дайджест от 24 ноября 2026 г.", "с 1 марта 2022 г.", "Новые записи о статусе (4)",
                  "Все требования по статусам", "выполнено", '<span lang="en">Release of Richard Roe</span>'):
        assert words in html, words
    for english in ("Digest of", "New status entries", "All demands by status", "Statuses:"):
        assert english not in text and english not in html


def test_mixed_recipients_get_one_message_each_in_their_language(data, smtp):
    settings = settings_for(data, smtp.port)
    run_digest(load(data), settings, out_dir=data.parent / "reports", send=True, today=TODAY)
    assert [(m[1], email.message_from_bytes(m[2], policy=policy.default)["Subject"].split(":")[0])
            for m in smtp.messages] == [(["a@example.org"], "Demands on Examplestan"),
                                        (["b@example.org"], "Требования")]
    english, russian = (email.message_from_bytes(m[2], policy=policy.default) for m in smtp.messages)
    assert english["To"] == "a@example.org" and russian["To"] == "Bee <b@example.org>"
    assert english["Message-ID"] != russian["Message-ID"]
    assert "Digest of 24 November 2026" in english.get_body(("plain",)).get_content()
    assert "Дайджест от 24 ноября 2026 г." in spaced(russian.get_body(("plain",)).get_content())
    # the state: both messages delivered, one baseline for the next digest, and --status lists both
    st = DigestState(data.parent / "state")
    try:
        assert st.latest_snapshot().taken == TODAY and st.waiting() == []
        assert [st.outbox_entry(m)["recipients"] for m in reversed(st.message_ids())] == [
            ["a@example.org"], ["Bee <b@example.org>"]]
        ids = [short_id(m) for m in st.message_ids()]
    finally:
        st.close()
    status = digest_status(settings)
    assert all(i in status for i in ids) and "Demands on Examplestan" in status and "Требования: Examplestan" in status
    # next week nothing changed: each language says so once, and compares with the same baseline
    smtp.messages.clear()
    summary = run_digest(load(data), settings, out_dir=data.parent / "reports", send=True, today=NEXT_WEEK)
    assert "no changes" in summary and "The digest in Russian was emailed to Bee <b@example.org>" in summary
    subjects = [spaced(email.message_from_bytes(m[2], policy=policy.default)["Subject"]) for m in smtp.messages]
    assert subjects == ["Demands on Examplestan: no changes (1 Dec 2026)",
                        "Требования: Examplestan: нет изменений (1 дек. 2026 г.)"]
    # --resend works on one message: the Russian one, to one address, in Russian
    smtp.messages.clear()
    st = DigestState(data.parent / "state")
    russian_id = st.message_ids()[0]
    st.close()
    delivery, said = resend(settings, short_id(russian_id), to="c@example.org")
    assert delivery.sent == ["c@example.org"] and [m[1] for m in smtp.messages] == [["c@example.org"]]
    assert email.message_from_bytes(smtp.messages[0][2], policy=policy.default)["Message-ID"] == russian_id
    assert "нет изменений" in email.message_from_bytes(smtp.messages[0][2], policy=policy.default)["Subject"]


def test_one_language_failing_leaves_the_other_delivered_and_the_baseline_moved(data, smtp):
    """The baseline moves when someone confirmed a message of the run (as with one message and several
    recipients); the language whose recipient failed is reported, and --resend serves it later."""
    from tests.test_outbox import RefuseOne

    server = RefuseOne("b@example.org").start()
    try:
        settings = settings_for(data, server.port)
        with pytest.raises(Exception) as info:
            run_digest(load(data), settings, out_dir=data.parent / "reports", since=dt.date(2021, 1, 1),
                       send=True, today=TODAY)
        said = str(info.value)
        assert "The digest in English was emailed to a@example.org" in said
        assert "Failed for Bee <b@example.org>" in said
        st = DigestState(data.parent / "state")
        try:
            assert st.latest_snapshot().taken == TODAY and st.waiting() == []
        finally:
            st.close()
    finally:
        server.stop()


def test_the_cli_speaks_russian_and_saves_each_language(data, capsys, monkeypatch):
    from monitor.cli import main

    monkeypatch.setenv("MONITOR_MAIL_TO", "a@example.org, b@example.org:ru")
    monkeypatch.setenv("MONITOR_STATE", str(data.parent / "state"))
    out = data.parent / "out"
    assert main(["--file", str(data), "--today", "2026-11-24", "digest", "--since", "2021-01-01", "--out", str(out),
                 "--lang", "ru"]) == 0
    said = spaced(capsys.readouterr().out)
    assert said.startswith("Дайджест от 24 ноября 2026 г. по записям начиная с 1 января 2021 г.: ")
    assert "(английский); digest-2026-11-24.ru.txt и digest-2026-11-24.ru.html (русский)" in said
    assert "По почте не отправлен (" in said
    assert sorted(p.name for p in (out / "digests").iterdir()) == [
        "digest-2026-11-24.html", "digest-2026-11-24.ru.html", "digest-2026-11-24.ru.txt", "digest-2026-11-24.txt"]


def test_a_second_different_digest_of_the_day_keeps_the_first_in_every_language(data, no_monitor_env):
    settings = load_settings(data, environ={"MONITOR_STATE": str(data.parent / "state"), "MONITOR_MAIL_TO": MIXED})
    out = data.parent / "out"
    for since in (dt.date(2021, 1, 1), dt.date(2021, 1, 1), dt.date(2023, 1, 1)):
        run_digest(load(data), settings, out_dir=out, since=since, today=TODAY)
    names = sorted(p.name for p in (out / "digests").iterdir())
    assert names == ["digest-2026-11-24-2.html", "digest-2026-11-24-2.ru.html", "digest-2026-11-24-2.ru.txt",
                     "digest-2026-11-24-2.txt", "digest-2026-11-24.html", "digest-2026-11-24.ru.html",
                     "digest-2026-11-24.ru.txt", "digest-2026-11-24.txt"]
    first = spaced((out / "digests" / "digest-2026-11-24.ru.txt").read_text(encoding="utf-8"))
    assert "с 1 января 2021 г." in first


# -- words ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("count, words", [(1, "1 новая запись о статусе"), (2, "2 новые записи о статусе"),
                                          (5, "5 новых записей о статусе"), (11, "11 новых записей о статусе"),
                                          (21, "21 новая запись о статусе")])
def test_russian_plurals_in_the_subject_and_the_summary(count, words, tmp_path):
    entry = NewEntry("x", "X", "", "2021", TODAY, "met", "pending", "", (), False)
    digest = compare(snapshot_of(load(CHANGED)), snapshot_of(load(CHANGED)), today=TODAY, period_start=LAST_WEEK,
                     last_digest=LAST_WEEK, stale_days=365)
    digest = dataclasses.replace(digest, new_entries=(entry,) * count, stale_total=count)
    with use("ru"):
        assert spaced(digest.subject) == f"Дайджест по требованиям: {words} (24 нояб. 2026 г.)"
        summary = spaced(summary_of(digest, [tmp_path / "d.txt", tmp_path / "d.html"]))
        stale = {1: "1 открытое требование", 2: "2 открытых требования", 5: "5 открытых требований",
                 11: "11 открытых требований", 21: "21 открытое требование"}[count]
        assert f": {words}; {stale} без движения 365 дней и более. " in summary
        text = render_text(digest)
    assert f"\n{words.capitalize()}.\n" in text


def register_with_translations():
    """changed.yaml with Russian translations of some of its prose, as issue 18's `translations:` gives them."""
    reg = load(CHANGED)
    demands = []
    for d in reg.demands:
        if d.id == "roe-release-2021":
            history = tuple(dataclasses.replace(e, translations=(("ru", "note", "Освобождён; обвинения сняты."),))
                            if e.date == dt.date(2026, 11, 20) else e for e in d.history)
            d = dataclasses.replace(d, history=history, translations=(
                ("ru", "demand", "Освобождение Ричарда Роу"), ("ru", "text", "НЕОФИЦИАЛЬНЫЙ ПЕРЕВОД ЦИТАТЫ")))
        demands.append(d)
    resolutions = tuple(dataclasses.replace(r, translations=(("ru", "title", "Резолюция от 20 мая 2021 г."),))
                        if r.id == "2021" else r for r in reg.resolutions)
    return dataclasses.replace(reg, demands=tuple(demands), resolutions=resolutions, title="Demands on Examplestan",
                               translations=(("ru", "title", "Требования по Экзампластану"),))


def test_the_data_s_translations_are_shown_and_the_rest_marked_with_its_language(data, smtp):
    settings = settings_for(data, smtp.port)
    run_digest(register_with_translations(), settings, out_dir=data.parent / "reports", since=dt.date(2026, 11, 1),
               send=True, today=TODAY)
    english, russian = (email.message_from_bytes(m[2], policy=policy.default) for m in smtp.messages)
    assert english["Subject"].startswith("Demands on Examplestan: ")
    assert russian["Subject"].startswith("Требования по Экзампластану: ")
    text, html = russian.get_body(("plain",)).get_content(), russian.get_body(("html",)).get_content()
    assert "* Освобождение Ричарда Роу\n" in text and "Освобождён; обвинения сняты.\n" in text
    assert "резолюция: Резолюция от 20 мая 2021 г.\n" in text
    assert "* An international inquiry, repeated [EN]" in text  # no translation: the original, marked
    assert "The commission held its first hearing. [EN]" in text
    assert "Переводы текстов реестра неофициальные." in text and "Тексты с пометкой [EN]" in text
    assert re.search(r'<p class="what"[^>]*>Освобождение Ричарда Роу</p>', html)
    assert re.search(r'<span lang="en">An international inquiry, repeated</span> <span class="lang"[^>]*'
                     r'title="английский"[^>]*>EN</span>', html)
    for body in (text, html):  # the quoted text is never replaced by a translation
        assert "НЕОФИЦИАЛЬНЫЙ ПЕРЕВОД" not in body
    english_text = english.get_body(("plain",)).get_content()
    assert "Освобождение" not in english_text and "[EN]" not in english_text and "unofficial" not in english_text


def test_english_is_unchanged_by_the_languages_machinery(tmp_path):
    """The English digest of an English register: no language marks, no notes about translations."""
    digest = compare(snapshot_of(load(DATA / "valid" / "small.yaml")), snapshot_of(load(CHANGED)), today=TODAY,
                     period_start=LAST_WEEK, last_digest=LAST_WEEK, stale_days=365)
    text, html = render_text(digest), render_html(digest)
    assert "[EN]" not in text and 'class="lang"' not in html and "translation" not in text + html
    assert '<html lang="en">' in html


def test_what_happened_to_the_email_is_told_in_the_command_s_language(data, refused_port):
    from monitor.digest import DigestNotSent

    settings = settings_for(data, refused_port)
    with use("ru"), pytest.raises(DigestNotSent) as info:
        run_digest(load(data), settings, out_dir=data.parent / "reports", since=dt.date(2021, 1, 1), send=True,
                   today=TODAY, sleep=lambda seconds: None)
    said = spaced(str(info.value))
    assert said.startswith("Дайджест от 24 ноября 2026 г. по записям начиная с 1 января 2021 г.: ")
    assert "не удалось связаться с почтовым сервером 127.0.0.1" in said and "остаётся в очереди отправки" in said
    with use("ru"):
        assert "ждёт в очереди отправки" in digest_status(settings)


def test_an_untranslated_register_title_is_marked_in_the_heading_not_in_the_subject(data, smtp):
    register = dataclasses.replace(register_with_translations(), translations=())
    run_digest(register, settings_for(data, smtp.port, to="b@example.org:ru"), out_dir=data.parent / "reports",
               since=dt.date(2026, 11, 1), send=True, today=TODAY)
    msg = email.message_from_bytes(smtp.messages[0][2], policy=policy.default)
    assert msg["Subject"].startswith("Demands on Examplestan: 2 новые записи о статусе")
    assert msg.get_body(("plain",)).get_content().startswith("DEMANDS ON EXAMPLESTAN [EN]\nДайджест от")
    assert re.search(r'<h1[^>]*><span lang="en">Demands on Examplestan</span> <span class="lang"',
                     msg.get_body(("html",)).get_content())
