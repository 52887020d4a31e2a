"""The portal in a real browser: headless Chromium driven by selenium, against a `livinglab serve` that
.ci/browser-tests started on the demo lab. Each step is a person's: a merchant on a phone takes part and withdraws,
a coordinator filters merchants, approves a protocol and starts a trial, a firm answers a merchant's feedback.
axe-core checks every page; screenshots of each main page at 390 and 1280 px go to $LIVINGLAB_SHOTS."""

import json
import os
import sys
import urllib.error
import urllib.request

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

BASE = os.environ["LIVINGLAB_BASE"]
SHOTS = os.environ["LIVINGLAB_SHOTS"]
TOKEN = os.environ["LIVINGLAB_TOKEN"]
CATALOGUES = {
    language: json.load(open(os.path.join(os.path.dirname(__file__), "../../Sources/LivingLabWeb/Resources", f"{language}.json")))
    for language in ("fr", "en")
}
failures = []
axe_report = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def browser(width):
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},900"):
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_window_size(width, 900)
    return driver


def shoot(driver, name):
    """A full-page screenshot of the page at the window's width."""
    width = driver.get_window_size()["width"]
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(max(height, 900), 6000))
    driver.save_screenshot(os.path.join(SHOTS, f"{name}-{width}.png"))
    driver.set_window_size(width, 900)


def accessible(driver, name):
    """axe-core on the page: no serious or critical violation."""
    axe = Axe(driver)
    axe.inject()
    results = axe.run()
    bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
    axe_report.append((name, len(results["violations"]), [v["id"] for v in results["violations"]]))
    check(not bad, f"axe: no serious or critical violation on {name} "
                   f"({', '.join(v['id'] + ':' + v['impact'] for v in bad) or 'none'})")


def api(method, path, body=None):
    request = urllib.request.Request(BASE + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def plugin_serves(merchant):
    request = urllib.request.Request(f"{BASE}/v1/merchants/{merchant}/plugins/fr.livinglab.appointment-booking/requests",
                                     method="POST", data=b'{"action": "openingHours"}',
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status
    except urllib.error.HTTPError as error:
        print(f"     plugin route for {merchant}: {error.code} {error.read().decode()[:300]}")
        return error.code


def text(driver):
    return driver.find_element(By.TAG_NAME, "body").text


def staleness_of(element):
    """Whether `element`'s page was left: selenium's own check lets through the inspector's "node does not belong to
    the document", which is the same news."""
    def gone(_):
        try:
            element.is_enabled()
            return False
        except WebDriverException:
            return True
    return gone


def press(driver, label, within=None):
    """Presses the button with this label (in `within`, else anywhere) and waits for the next page: one step."""
    page = driver.find_element(By.TAG_NAME, "html")
    (within or driver).find_element(By.XPATH, f'.//button[normalize-space()="{label}"]').click()
    WebDriverWait(driver, 30).until(staleness_of(page))


def follow(driver, element):
    """Follows a link and waits for the next page."""
    page = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, 30).until(staleness_of(page))


def open_link(driver, link):
    driver.get(link)
    press(driver, CATALOGUES["fr"]["join.continue"])


def leftovers(page_text, language):
    """Words of the other language's catalogue found on a page (entries that differ between the two)."""
    other = "en" if language == "fr" else "fr"
    found = []
    for key, value in CATALOGUES[other].items():
        if CATALOGUES[language].get(key) != value and len(value) > 8 and "{" not in value and value in page_text:
            found.append(value)
    return found


fr, en = CATALOGUES["fr"], CATALOGUES["en"]

# 1. A merchant on a phone opens their link, reads in French, takes part, and later withdraws in as many steps.
phone = browser(390)
open_link(phone, os.environ["LIVINGLAB_MERCHANT_LINK"])
check("/portal/trials/appointments-2028" in phone.current_url, "the link opens the merchant's trial page")
page = text(phone)
check(phone.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr", "the page is in French")
for key in ("trial.what", "trial.data", "trial.duration", "trial.withdrawal", "trial.firm", "trial.sponsor"):
    check(fr[key] in page, f"the page says {fr[key]!r}")
check(fr["withdrawal.anonymise"] in page or fr["withdrawal.keep"] in page or fr["withdrawal.erase"] in page,
      "the page says what happens to the data on withdrawal")
check(not leftovers(page, "fr"), f"no English on the French page: {leftovers(page, 'fr')}")
check(phone.execute_script("return document.documentElement.scrollWidth") <= 390, "nothing scrolls sideways at 390 px")
shoot(phone, "merchant-trial-invited")
accessible(phone, "merchant trial page (invited)")
press(phone, fr["trial.take"])
page = text(phone)
check(fr["status.consent.active"] in page, "after one press the merchant takes part")
events = phone.find_elements(By.CSS_SELECTOR, "ul.events li")
check(len(events) == 1 and fr["event.given"] in events[0].text and " fr," in events[0].text,
      "the page shows the consent recorded, with its language")
document_sha = None
status, document = api("GET", "/v1/protocols/appointments-2028/document?language=fr")
if status == 200:
    document_sha = document["sha256"]
check(document_sha is not None and document_sha in events[0].text, "the recorded consent names the document's SHA-256")
shoot(phone, "merchant-trial-consented")
accessible(phone, "merchant trial page (consented)")

# The merchant writes to the firm.
phone.find_element(By.ID, "feedback-text").send_keys("Les rappels SMS partent trop tôt le samedi.")
press(phone, fr["feedback.send"])
check(fr["done.feedback"] in text(phone), "the feedback is sent")

# 2. The coordinator signs in with a link, filters merchants (and sees the column of a mistake), approves a
#    protocol, draws the arms over the API and starts the trial.
desk = browser(1280)
open_link(desk, os.environ["LIVINGLAB_COORDINATOR_LINK"])
check(fr["coordinator.home.title"] in text(desk), "the coordinator's dashboard opens")
shoot(desk, "coordinator-dashboard")
accessible(desk, "coordinator dashboard")
field = desk.find_element(By.ID, "where")
field.clear()
field.send_keys("sector in [hairdresser, beauty")
press(desk, fr["coordinator.filter.submit"])
error = desk.find_element(By.ID, "where-error").text
check("column" in error, f"a criteria mistake is shown with its column: {error!r}")
accessible(desk, "coordinator dashboard (criteria mistake)")
field = desk.find_element(By.ID, "where")
field.clear()
field.send_keys("sector in [hairdresser, beauty]")
press(desk, fr["coordinator.filter.submit"])
check(fr["coordinator.filter.count"].replace("{count}", "8") in text(desk), "the filter finds the 8 hair and beauty shops")
row = desk.find_element(By.XPATH, "//tr[td/code[text()='appointments-2029']]")
press(desk, fr["coordinator.approve"], within=row)
row = desk.find_element(By.XPATH, "//tr[td/code[text()='appointments-2029']]")
check(fr["trial.state.approved"] in row.text, "the coordinator approves the draft protocol")
# Arms are drawn over the API, redrawing (with a reason) until the merchant of the test is treated.
treated = False
for seed in range(1, 40):
    status, drawn = api("POST", "/v1/protocols/appointments-2028/assignment",
                        {"seed": seed, "overrideReason": "browser test: m07 in treatment"})
    if status == 201 and any(a["merchant"] == "m07" and a["arm"] == "treatment" for a in drawn["assignments"]):
        treated = True
        break
check(treated, "arms are drawn with m07 in treatment")
row = desk.find_element(By.XPATH, "//tr[td/code[text()='appointments-2028']]")
press(desk, fr["coordinator.start"], within=row)
row = desk.find_element(By.XPATH, "//tr[td/code[text()='appointments-2028']]")
check(fr["trial.state.running"] in row.text, "the coordinator starts the trial")
check(plugin_serves("m07") == 200, "the plugin now serves the merchant")
follow(desk, row.find_element(By.LINK_TEXT, fr["coordinator.report"]))
check("appointments-2028" in desk.page_source, "the coordinator opens the trial's report")
shoot(desk, "coordinator-report")
check(fr["report.funnel"] in desk.page_source and en["report.funnel"] not in desk.page_source,
      "the report speaks the reader's language only")
check(desk.execute_script("return getComputedStyle(document.body).backgroundColor") != "rgba(0, 0, 0, 0)",
      "the report's style sheet is applied under the portal's Content-Security-Policy")
report_url = desk.current_url
desk.set_window_size(390, 900)
desk.get(report_url)
check(desk.execute_script("return document.documentElement.scrollWidth") <= 390, "the report does not scroll sideways at 390 px")
shoot(desk, "coordinator-report")
accessible(desk, "report")
desk.set_window_size(1280, 900)
desk.get(report_url + ("&" if "?" in report_url else "?") + "lang=en")
check(en["report.funnel"] in desk.page_source and fr["report.funnel"] not in desk.page_source, "the English report has no French label")
desk.get(report_url + ("&" if "?" in report_url else "?") + "lang=fr")

# 3. The firm signs in, sees its trial's aggregates and answers the merchant; another firm's trial is not found;
#    a form posted without its CSRF token is refused.
firm = browser(1280)
open_link(firm, os.environ["LIVINGLAB_FIRM_LINK"])
page = text(firm)
check(fr["firm.home.title"] in page and "Prise de rendez-vous" in page, "the firm sees its trial")
check(fr["count.consent.active"] + " : 4" in page, "the firm sees how many merchants take part, not who")
check("m07" not in page and "Salon Ondine" not in page, "the firm's page names no merchant")
check("Les rappels SMS partent trop tôt le samedi." in page, "the firm reads the merchant's feedback")
shoot(firm, "firm-home")
accessible(firm, "firm home")
firm.find_element(By.CSS_SELECTOR, "textarea[name=text]").send_keys("Merci ! Le rappel du samedi part à 9 h dès la 1.1.")
press(firm, fr["firm.feedback.answer"])
check(fr["done.answer"] in text(firm), "the answer is sent")
firm.get(BASE + "/portal/trials/click-collect-2027/report")
check(fr["error.notFound"] in text(firm), "another firm's trial is not found")
session = firm.get_cookie("llab_session")["value"]
forged = urllib.request.Request(BASE + "/portal/feedback/1/answer", method="POST", data=b"text=forged",
                                headers={"Cookie": f"llab_session={session}",
                                         "Content-Type": "application/x-www-form-urlencoded"})
try:
    urllib.request.urlopen(forged)
    check(False, "a form without its CSRF token is refused")
except urllib.error.HTTPError as error:
    check(error.code == 403 and fr["error.csrf"] in error.read().decode(), "a form without its CSRF token is refused")

# The merchant reads the firm's answer, then withdraws in one press: the plugin stops serving them.
phone.get(BASE + "/portal/trials/appointments-2028")
check("Merci ! Le rappel du samedi part à 9 h dès la 1.1." in text(phone), "the merchant reads the firm's answer")
press(phone, fr["trial.withdraw"])
page = text(phone)
check(fr["status.consent.withdrawn"] in page, "after one press the merchant has withdrawn")
check(plugin_serves("m07") == 404, "the plugin no longer serves the merchant")
status, ledger = api("GET", "/v1/protocols/appointments-2028/consent-events?merchant=m07")
check(status == 200 and [e["kind"] for e in ledger] == ["given", "withdrawn"], f"the ledger shows both events: {ledger}")
check(all(e["channel"] == "portal" for e in ledger), "both were recorded through the portal")
shoot(phone, "merchant-trial-withdrawn")
phone.get(BASE + "/portal")
shoot(phone, "merchant-home")
accessible(phone, "merchant home")

# 4. Another merchant reads in English: nothing French is left, and the French page has no English.
english = browser(390)
open_link(english, os.environ["LIVINGLAB_MERCHANT_EN_LINK"])
follow(english, english.find_element(By.LINK_TEXT, fr["language.switch"]))
page = text(english)
check(english.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en", "the page switches to English")
check(en["trial.what"] in page and en["trial.withdraw"] in page, "the English page says what it should")
check(not leftovers(page, "en"), f"no French on the English page: {leftovers(page, 'en')}")
check("Fiche" not in page and "données" not in page, "the English page shows the English document")
shoot(english, "merchant-trial-english")
accessible(english, "merchant trial page (English)")
english.get(BASE + "/portal")
check(en["merchant.home.title"] in text(english), "the language choice stays from page to page")
english.set_window_size(1280, 900)
english.get(BASE + "/portal/trials/appointments-2028")
shoot(english, "merchant-trial-english")
# 5. A merchant of the finished click & collect trial sees their own weekly sales next to the street's mean.
results = browser(390)
open_link(results, os.environ["LIVINGLAB_RESULTS_LINK"])
check(fr["results.title"] in text(results), "the merchant's page has their results")
lines = results.find_elements(By.CSS_SELECTOR, "svg.chart polyline")
check([line.get_attribute("class") for line in lines] == ["street", "you"], "the chart draws their line and the street's")
check(len(results.find_elements(By.CSS_SELECTOR, "details table tbody tr")) >= 12, "the same figures are in a table, week by week")
check(results.execute_script("return document.documentElement.scrollWidth") <= 390, "the chart fits a 390-px screen")
shoot(results, "merchant-results")
accessible(results, "merchant results")
results.quit()

signin = browser(390)
signin.get(BASE + "/sign-in")
shoot(signin, "sign-in")
accessible(signin, "sign-in page")
signin.get(os.environ["LIVINGLAB_MERCHANT_LINK"])
check(fr["error.link"] in text(signin), "a link opens once: used again, it says so")

for driver in (phone, desk, firm, english, signin):
    driver.quit()
print("axe: " + "; ".join(f"{name}: {count} violation(s) {ids}" for name, count, ids in axe_report))
print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
