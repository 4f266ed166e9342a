#!/usr/bin/env python3
"""Writes docs/mongolian-glossary.md from the term list below (Latin
transliteration -> script via translit.py), so the two columns never disagree."""
from pathlib import Path
from translit import convert

TERMS = [
    ("妇联", "emegteičüd+ün qolboγ-a", "Women's Federation"),
    ("巾帼", "baγatur emegteičüd", "the platform's name: 'heroic women'; draft, a reviewer may prefer another rendering"),
    ("十送", "arban kürgelte", "the 'ten deliveries' campaign; coined, needs review"),
    ("自治区", "öbertegen ǰasaqu orun", "autonomous region (level 1)"),
    ("盟", "ayimaγ", "league (level 2)"),
    ("市", "qota", "city (level 2)"),
    ("盟市", "ayimaγ qota", "leagues and cities"),
    ("旗", "qosiγu", "banner (level 3)"),
    ("县", "siyan", "county"),
    ("旗县", "qosiγu siyan", "banners and counties"),
    ("区", "toγoriγ", "district"),
    ("苏木", "sumu", "township in pastoral areas (level 4)"),
    ("乡", "šiyang", "township"),
    ("镇", "bayising", "town"),
    ("苏木乡镇", "sumu šiyang bayising", "level 4 as a whole"),
    ("嘎查", "γačaγ-a", "pastoral village (level 5)"),
    ("村", "tosqon", "village"),
    ("嘎查村", "γačaγ-a tosqon", "level 5 as a whole"),
    ("单位", "nigeče", "an organisational unit of the federation"),
    ("本单位", "ene nigeče", "'this unit'"),
    ("下级单位", "door-a šatu+yin nigeče", "lower-level unit"),
    ("新领域组织", "sine salbar+un bayiγullaγ-a", "organisation in a new sector"),
    ("妇女之家", "emegteičüd+ün ger", "Women's Home"),
    ("维权", "erke ašiγ+i qamaγalaqu", "rights protection"),
    ("个案", "kereg", "a (rights) case"),
    ("求助", "tusalamǰi γuyuqu", "asking for help"),
    ("家访 / 走访", "ayilčilal", "home visit; verb ayilčilaqu"),
    ("入户", "ger bül+dür oruqu", "entering the household"),
    ("家庭", "ger bül", "family, household"),
    ("任务", "egürge", "task issued to lower units"),
    ("下发", "doγoγši ilegekü", "issue (a task) downwards"),
    ("转发", "damǰiγulun ilegekü", "forward"),
    ("填报", "bögelejü medegülkü", "fill in a return"),
    ("上报", "degegši medegülkü", "report upwards"),
    ("审核", "kinan batulaqu", "review and approve"),
    ("退回", "bučaγaqu", "return for correction"),
    ("活动", "üile ajillaγ-a", "activity"),
    ("台账", "büridgel", "ledger, register"),
    ("记一笔", "temdeglekü", "'jot one down': record an activity"),
    ("项目", "tösel", "programme, project"),
    ("诉求", "γuyulta", "a household's need or request"),
    ("实事", "bodit kereg", "a concrete good deed"),
    ("通知", "medegdel", "notice"),
    ("最美家庭", "qamuγ+un sayiqan ger bül", "'Most Beautiful Family' honour"),
    ("三八红旗手", "γurba naiman+u ulaγan tuγ bariγči", "'March 8th Red-Banner Holder' honour"),
    ("表彰", "saišiyaqu", "to commend; an honour"),
    ("评选", "sonγon saišiyaqu", "selection for an honour"),
    ("提名 / 推荐", "dabšiγulqu", "nominate"),
    ("公示", "olan+dur ile tododqaqu", "public notice before an award"),
    ("证书", "gerečilege", "certificate"),
    ("荣誉", "kündülel", "honour (荣誉证书: kündülel-ün gerečilege)"),
    ("异议", "ögere sanal", "objection"),
    ("干部", "alban qaγad", "cadres"),
    ("用户", "kereglegči", "user"),
    ("账号", "dangsa", "account"),
    ("网络 / 在线", "sülǰiy-e / sülǰiy-e+dü", "network; online (offline capture)"),
    ("离线", "sülǰiy-e ügei", "offline: 'without network'"),
    ("待发送", "ilegekü ǰaγsaγalta", "the outbox: 'list to send'"),
    ("同步", "sinečilekü", "sync: 'renew'; draft"),
    ("密码", "niγuča üge", "password"),
    ("登录", "nebterekü", "log in"),
    ("审计日志", "kinalta+yin temdeglel", "audit log"),
    ("字典", "toli", "dictionary (code lists)"),
    ("统计", "toγ-a büridgel", "statistics"),
    ("报表", "küsünüg", "report table"),
    ("附件", "qabsuraltu", "attachment"),
    ("保护令", "qamaγalaqu tušiyal", "protection order"),
    ("转介", "damǰiγulqu", "referral"),
    ("移交", "šilǰigülkü", "hand over"),
    ("结案", "kereg+i tögüskekü", "close a case"),
    ("风险评估", "ayul+un ünelelte", "risk assessment"),
    ("导入 / 导出", "oruγulqu / γarγaqu", "import / export"),
    ("示范", "ülger ǰiǰig", "demonstration, model (三级示范); draft"),
    ("示范点", "ülger ǰiǰig+ün čeg", "a demonstration site; draft"),
    ("命名", "nerelekü", "designate (a demonstration site)"),
    ("考评", "ünelelte", "(yearly) evaluation, as in 风险评估"),
    ("分值 / 得分", "onoγ-a", "points of a score sheet; a score"),
    ("撤销", "kölčingüi bolγaqu", "revoke: 'make invalid'"),
    ("培训", "surγalta", "training; 培训班 surγalta+yin anggi (a class)"),
    ("领头雁", "terigülegči γalaγu", "'leading goose': the chairs' training plan; coined, needs review"),
    ("培训计划", "surγalta+yin tölöbülgege", "training programme"),
    ("学时", "čaγ", "class hours"),
    ("报名", "bürtgel / bürtgekü", "enrolment / to enrol"),
    ("签到 / 出勤", "irelte temdeglekü / irelte", "attendance"),
    ("名额", "oron too", "places allotted to a unit"),
    ("结业", "tögüskekü", "complete (a programme)"),
    ("二维码", "qoyar kemǰiy-e+tü kod", "QR code"),
    ("届 / 任期", "ǰalγamǰi", "a committee's term; draft"),
]

rows = "\n".join(f"| {zh} | {convert(lat)} | {lat.replace('+', '-')} | {note} |" for zh, lat, note in TERMS)
Path(__file__).resolve().parents[2].joinpath("docs/mongolian-glossary.md").write_text(f"""# Mongolian glossary (traditional script, mn-Mong)

The federation's terms as the Mongolian catalogue
(`crates/app/i18n/**/mn-Mong.toml`) uses them. **Draft:** written without a
native reviewer; every entry awaits review. Change a term here first, then
in the catalogue, so the two stay consistent.

The Latin column is the usual scholarly transliteration of the written
language (γ, č, ǰ, š; `-a`/`-e` after a hyphen is the vowel separator MVS
U+180E; a hyphen before a case suffix is the narrow no-break space U+202F).
The script column is generated from it by `tools/mongolian/glossary.py`
with `tools/mongolian/translit.py`.

| 中文 | ᠮᠣᠩᠭᠣᠯ | Latin | Meaning / note |
|---|---|---|---|
{rows}

## Conventions

- Case suffixes are separate words joined by NNBSP (U+202F): ᠡᠮᠡᠭᠲᠡᠶᠢᠴᠦᠳ ᠦᠨ.
- A final -a/-e separated from its word is preceded by MVS (U+180E): ᠬᠣᠯᠪᠣᠭ᠎ᠠ.
- An i after a vowel inside a word is encoded ᠶᠢ (the double tooth): ᠦᠶᠢᠯᠡ.
- Placeholders (`{{n}}`, `{{unit}}` …), digits and Latin acronyms (JPEG, CSV,
  MB) stay as they are; Mongolian punctuation ᠂ ᠃ ᠄ replaces , . :.
- Unit names come from the data, not the catalogue.

## Layout: vertical where text runs, horizontal in dense cadre pages

Public pages (the help page, the honours notices and certificates) set
running Mongolian text vertically (`writing-mode: vertical-lr`, columns left
to right), as signs, notices and certificates in Inner Mongolia do.

Dense cadre pages (tables, forms, menus, the workbench) keep a horizontal
*page*: rows of a table, fields of a form and tabs of a menu still run
across the screen. Each Mongolian label in them (a menu tab, a button, a
table header, a field label, a heading) is a short upright vertical island
(`writing-mode: vertical-lr` with a small maximum height, so a long label
wraps into a second column), and a hint or note becomes a block of vertical
columns. Data cells and inputs stay horizontal (Chinese names, digits and
dates are what they mostly hold).

Why not the whole cadre page vertical: a table whose rows are columns must be
read right across a page that scrolls sideways, so a ten-column ledger or a
task form can no longer be scanned row by row on a 390 px phone; inputs,
selects and the browser's own controls, and the Chinese, digits and dates
mixed into the same cells, are all horizontal. Why not Mongolian lying on
its side in horizontal lines: no Mongolian reader accepts rotated script
(issue 17). Upright vertical labels inside a horizontal page are what
bilingual signs, forms and software in Inner Mongolia do, and they are
narrow: a vertical table header takes a column of one or two lines' width,
which suits a phone better than a horizontal one. On a phone the tables turn
into cards (one cell per line); in Mongolian each cell's label stands
upright before its value.
""", encoding="utf-8")
