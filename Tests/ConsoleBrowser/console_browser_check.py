#!/usr/bin/env python3
"""Drives `vigil serve` in a real browser: Debian's chromium, headless, through chromium-driver.

Run by ConsoleBrowserTests (Tests/VigilConsoleTests/ConsoleBrowserTests.swift) with a python that
has selenium. Logs in with a token at /login, opens the overview, a client, a camera, the usage
explorer with a date range (filled in through its form), an invoice, downloads the invoice's PDF,
and checks the rendered DOM against the numbers the test computed with SQL. Saves a screenshot of
every page (and the PDF) in the output folder. Exits 0 when every check passes, 1 otherwise,
printing each failure.
"""

import argparse
import decimal
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from selenium.webdriver.support.expected_conditions import staleness_of


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True, help="http://127.0.0.1:PORT of vigil serve")
    parser.add_argument("--token", required=True, help="an API token (vgl_...)")
    parser.add_argument("--month-cost", required=True, help="this month's exact cost in USD, from SQL")
    parser.add_argument("--month-calls", required=True, type=int, help="this month's calls, from SQL")
    parser.add_argument("--client", required=True)
    parser.add_argument("--client-calls", required=True, type=int, help="the client's calls this month, from SQL")
    parser.add_argument("--camera", required=True)
    parser.add_argument("--from", dest="start", required=True, help="usage from, YYYY-MM-DD")
    parser.add_argument("--to", dest="end", required=True, help="usage to (excluded), YYYY-MM-DD")
    parser.add_argument("--usage-calls", required=True, type=int, help="calls in the range, from SQL")
    parser.add_argument("--usage-cost", required=True, help="cost in the range, from SQL")
    parser.add_argument("--invoice", required=True, help="an issued invoice's number")
    parser.add_argument("--output", required=True, help="folder for screenshots and the PDF")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    return parser.parse_args()


def wait_for_server(base, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base + "/login", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.3)
    raise SystemExit(f"console_browser_check: {base} did not answer within {seconds} s")


def main():
    arguments = parse_arguments()
    output = os.path.abspath(arguments.output)
    downloads = os.path.join(output, "downloads")
    os.makedirs(downloads, exist_ok=True)
    wait_for_server(arguments.base)

    options = Options()
    options.binary_location = arguments.chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1600"):
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": downloads,
            "download.prompt_for_download": False,
            "plugins.always_open_pdf_externally": True,
        },
    )
    driver = webdriver.Chrome(service=Service(arguments.chromedriver), options=options)
    failures = []

    def check(condition, message):
        print(("ok    " if condition else "FAIL  ") + message)
        if not condition:
            failures.append(message)

    def shot(name):
        driver.save_screenshot(os.path.join(output, name + ".png"))

    def follow(element, path):
        """Clicks a link or a submit button and waits (up to 60 s) until the browser shows `path`
        loaded: a click does not wait for the next page, and an element of the old page must not
        be read as one of the new."""
        old = driver.find_element(By.TAG_NAME, "html")
        element.click()
        WebDriverWait(driver, 60).until(
            lambda d: urllib.parse.urlsplit(d.current_url).path == path and d.execute_script("return document.readyState") == "complete")
        WebDriverWait(driver, 60).until(staleness_of(old))

    def number(text):
        return decimal.Decimal(text.strip().split()[0])

    try:
        driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
        # Log in with the token, through the form.
        driver.get(arguments.base + "/login")
        shot("01-login")
        driver.find_element(By.NAME, "token").send_keys(arguments.token)
        follow(driver.find_element(By.CSS_SELECTOR, "form.login button[type=submit]"), "/")
        url = driver.current_url
        check(url.rstrip("/") == arguments.base.rstrip("/"), f"login leads to the overview ({url})")

        # The overview: this month's cost equals the SQL sum.
        cost = driver.find_element(By.ID, "month-cost")
        shown = number(cost.get_attribute("title"))
        check(shown == decimal.Decimal(arguments.month_cost), f"overview month cost {shown} == SQL {arguments.month_cost}")
        month_calls = int(driver.find_element(By.ID, "calls").text)
        check(month_calls == arguments.month_calls, f"overview month calls {month_calls} == SQL {arguments.month_calls}")
        check(driver.find_element(By.ID, "last-calls").text.isdigit(), "last month beside this month")
        check(len(driver.find_elements(By.CSS_SELECTOR, "svg.budget")) >= 1, "a budget bar on the overview")
        check(len(driver.find_elements(By.ID, "cameras-down")) == 1, "the cameras down now")
        check(not driver.find_elements(By.TAG_NAME, "script"), "no script element on the overview")
        check(len(driver.find_elements(By.CSS_SELECTOR, "svg.chart rect.bar")) == 30, "30 daily bars on the overview")
        shot("02-overview")

        # A client, reached through its link on the overview.
        follow(driver.find_element(By.CSS_SELECTOR, f'a[href="/clients/{arguments.client}"]'), f"/clients/{arguments.client}")
        calls = int(driver.find_element(By.ID, "client-calls").text)
        check(calls == arguments.client_calls, f"client {arguments.client} calls {calls} == SQL {arguments.client_calls}")
        headings = driver.find_element(By.TAG_NAME, "h1").text
        check("<script>" in headings, f"the hostile client name shows as text: {headings!r}")
        check(not driver.find_elements(By.TAG_NAME, "script"), "no script element on the client page")
        shot("03-client")

        # A camera, through its link on the client page.
        follow(driver.find_element(By.CSS_SELECTOR, f'a[href="/cameras/{arguments.camera}"]'), f"/cameras/{arguments.camera}")
        check(len(driver.find_elements(By.CSS_SELECTOR, "svg.timeline rect.session")) >= 1, "the camera's session timeline has a bar")
        check(len(driver.find_elements(By.CSS_SELECTOR, "svg.chart rect.bar")) == 14, "14 bars of calls per day")
        shot("04-camera")

        # The usage explorer: a date range entered in its form.
        follow(driver.find_element(By.CSS_SELECTOR, 'nav a[href="/usage"]'), "/usage")
        for name, value in (("from", arguments.start), ("to", arguments.end)):
            field = driver.find_element(By.NAME, name)
            driver.execute_script("arguments[0].value = arguments[1];", field, value)
        driver.find_element(By.CSS_SELECTOR, 'select[name="by"] option[value="client"]').click()
        follow(driver.find_element(By.CSS_SELECTOR, "form.usage button[type=submit]"), "/usage")
        check(f"from={arguments.start}" in driver.current_url and f"to={arguments.end}" in driver.current_url,
              f"the form asked for the range ({driver.current_url})")
        usage_calls = int(driver.find_element(By.ID, "usage-calls").text)
        usage_cost = number(driver.find_element(By.ID, "usage-cost").text)
        check(usage_calls == arguments.usage_calls, f"usage calls {usage_calls} == SQL {arguments.usage_calls}")
        check(usage_cost == decimal.Decimal(arguments.usage_cost), f"usage cost {usage_cost} == SQL {arguments.usage_cost}")
        check(driver.find_element(By.ID, "usage-csv").get_attribute("href").find("/usage.csv?") > 0, "a CSV export link")
        shot("05-usage")

        # The invoices, an invoice, and its PDF downloaded by the browser.
        follow(driver.find_element(By.CSS_SELECTOR, 'nav a[href="/invoices"]'), "/invoices")
        shot("06-invoices")
        driver.get(arguments.base + "/invoices/" + arguments.invoice)
        shot("07-invoice")
        driver.find_element(By.ID, "invoice-pdf").click()
        pdf = os.path.join(downloads, arguments.invoice + ".pdf")
        deadline = time.time() + 30
        while time.time() < deadline and not os.path.exists(pdf):
            time.sleep(0.2)
        check(os.path.exists(pdf), f"the browser downloaded {os.path.basename(pdf)}")
        if os.path.exists(pdf):
            with open(pdf, "rb") as handle:
                check(handle.read(5) == b"%PDF-", "the download is a PDF")
    except Exception as error:  # a missing element or a driver error: a failure, with a screenshot
        failures.append(f"{type(error).__name__}: {error}")
        print(f"FAIL  {type(error).__name__}: {error}")
        try:
            shot("99-failure")
        except Exception:
            pass
    finally:
        driver.quit()
    print(f"screenshots in {output}")
    if failures:
        print(f"{len(failures)} checks failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
