"""The demo shop's HTTP server: standard library only, bound to 127.0.0.1 by default.

`DemoShop` is what tests and `cxaudit demo` use: it serves in a daemon thread
on a free port, so any number of shops (flawed and fixed) can run side by side.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
import time
from email.message import EmailMessage
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, unquote, urlsplit

from cxaudit.demo import assets, mail, pages
from cxaudit.demo.catalogue import CATEGORIES, find_product, in_category, search
from cxaudit.demo.forms import (
    CHECKOUT_FIELDS,
    CONTACT_FIELDS,
    Form,
    parse_quantity,
    pick,
    validate_checkout,
    validate_contact,
)
from cxaudit.demo.store import ShopState, totals_of
from cxaudit.mail import catcher
from cxaudit.mail.session import smtp_from_env
from cxaudit.mail.smtp import SmtpSink

SLOW_PAGE_DELAY_MS: int = 1200
"""Server-side delay before the first byte of the order status page (flaw PERF-SLOW-STATUS)."""

SESSION_COOKIE = "cxshop_session"
MAX_BODY_BYTES = 64 * 1024
_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_log = logging.getLogger(__name__)


class _ShopServer(ThreadingHTTPServer):
    """The HTTP server plus the shop's mode and state, which handlers reach as `self.server`."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        fixed: bool,
        slow_ms: int,
        smtp: tuple[str, int] | None = None,
        mailbox: SmtpSink | None = None,
    ) -> None:
        super().__init__(address, _Handler)
        self.fixed = fixed
        self.slow_ms = slow_ms
        self.state = ShopState(fixed)
        #: Where order confirmations are sent (an SMTP sink); None sends none.
        self.smtp = smtp
        #: The sink whose messages the shop lists under /_mail (Mailpit's read API).
        self.mailbox = mailbox
        #: Mail to send later (the flawed shop's late dispatch notice), cancelled at stop.
        self.timers: list[threading.Timer] = []

    def send_later(self, delay_s: float, message: EmailMessage) -> None:
        """Hand ``message`` to the shop's SMTP server ``delay_s`` from now."""
        if self.smtp is None:
            return
        timer = threading.Timer(delay_s, mail.send, (self.smtp, message))
        timer.daemon = True
        self.timers = [t for t in self.timers if t.is_alive()] + [timer]
        timer.start()


class _Response(Exception):
    """Raised by a route to answer early (redirects, errors) without nesting ifs."""

    def __init__(self, status: int, body: str = "", location: str = "") -> None:
        super().__init__(status)
        self.status, self.body, self.location = status, body, location


class _Handler(BaseHTTPRequestHandler):
    """Routes one request; any failure becomes a styled error page, never a dead server."""

    server: _ShopServer
    session: str  # the visitor's cxshop_session id (new ones are set on the response)
    new_cookie: str
    route: str
    query: dict[str, str]
    form: Form
    protocol_version = "HTTP/1.1"
    timeout = 30  # idle keep-alive connections must not hold threads forever
    server_version = "NorthwindShop/1.0"

    def log_message(self, format: str, *args: object) -> None:
        """Stay silent: a test target that logs every request drowns the test output."""

    def do_GET(self) -> None:
        """Serve a page or an asset."""
        self._handle()

    def do_HEAD(self) -> None:
        """Like GET, without the body, for health probes."""
        self._handle()

    def do_POST(self) -> None:
        """Handle a form submission."""
        self._handle()

    # -- plumbing ---------------------------------------------------------------

    def _handle(self) -> None:
        self.new_cookie = ""
        self.timing: list[str] = []  # Server-Timing entries: the shop says where it stalls
        self.session = self._session_id()
        split = urlsplit(self.path)
        self.route = unquote(split.path).rstrip("/") or "/"
        self.raw_query = split.query
        self.query = {k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        try:
            self.form = self._read_form() if self.command == "POST" else {}
            self._dispatch()
        except _Response as answer:
            if answer.location:
                self._send(
                    answer.status, b"", "text/plain; charset=utf-8", [("Location", answer.location)]
                )
            else:
                self._send_page(answer.status, answer.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:
            _log.exception("demo shop failed on %s %s", self.command, self.path)
            self._send_page(500, self._error("Something went wrong", "Please try again."))

    def _session_id(self) -> str:
        try:
            cookie = SimpleCookie(self.headers.get("Cookie", ""))
        except CookieError:
            cookie = SimpleCookie()
        morsel = cookie.get(SESSION_COOKIE)
        if morsel is not None and _SESSION_ID.match(morsel.value):
            return morsel.value
        session = secrets.token_urlsafe(24)
        fresh = SimpleCookie()
        fresh[SESSION_COOKIE] = session
        fresh[SESSION_COOKIE].update({"path": "/", "httponly": True, "samesite": "Lax"})
        self.new_cookie = fresh[SESSION_COOKIE].OutputString()
        return session

    def _read_form(self) -> Form:
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY_BYTES:
            self.close_connection = True
            raise _Response(413, self._error("Form too large", "That form was too large to send."))
        body = self.rfile.read(length).decode("utf-8", "replace")
        if "application/x-www-form-urlencoded" not in self.headers.get("Content-Type", ""):
            return {}
        return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        extra: list[tuple[str, str]] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        if content_type.startswith("text/html"):
            self.send_header("Cache-Control", "no-store")
        if self.new_cookie:
            self.send_header("Set-Cookie", self.new_cookie)
        for name, value in extra or []:
            self.send_header(name, value)
        if self.timing:
            self.send_header("Server-Timing", ", ".join(self.timing))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_page(self, status: int, html: str) -> None:
        self._send(status, html.encode("utf-8"), "text/html; charset=utf-8")

    def _view(self, query: str = "") -> pages.View:
        return pages.View(self.server.fixed, self.server.state.cart_count(self.session), query)

    def _error(self, title: str, message: str) -> str:
        return pages.error_page(self._view(), title, message)

    def _not_found(self) -> _Response:
        message = "We couldn't find that page. It may have moved, or the address may be mistyped."
        return _Response(404, self._error("Page not found", message))

    # -- routes -----------------------------------------------------------------

    def _dispatch(self) -> None:
        route, parts = self.route, self.route.strip("/").split("/")
        get_routes = {
            "/": lambda: pages.home(self._view()),
            "/search": self._search,
            "/cart": self._cart,
            "/checkout": self._checkout,
            "/orders": lambda: self._orders(self.query.get("number", "")),
            "/support": lambda: self._support({}, {}, self.query.get("sent") == "1"),
            "/privacy": lambda: pages.privacy(self._view()),
        }
        post_routes = {
            "/cart/add": self._cart_add,
            "/cart/update": self._cart_update,
            "/cart/remove": self._cart_remove,
            "/checkout": self._place_order,
            "/support": self._contact,
        }
        if self.command == "POST":
            handler = post_routes.get(route)
            if handler is None:
                raise self._not_found()
            raise _Response(200, handler())
        if route in post_routes and route not in get_routes:
            raise _Response(
                405, self._error("Method not allowed", "Use the form on the page to do that.")
            )
        if route == "/healthz":
            return self._send(200, b"ok", "text/plain; charset=utf-8")
        if self.server.mailbox is not None and route.startswith(catcher.API_PATH + "/"):
            status, kind, body = catcher.answer(
                self.server.mailbox, route.removeprefix(catcher.API_PATH), self.raw_query
            )
            return self._send(status, body, kind, [("Cache-Control", "no-store")])
        if route == "/static/shop.css":
            return self._send(
                200,
                assets.stylesheet(),
                "text/css; charset=utf-8",
                [("Cache-Control", "max-age=3600")],
            )
        if len(parts) == 3 and parts[:2] == ["static", "img"] and parts[2].endswith(".svg"):
            product = find_product(parts[2].removesuffix(".svg"))
            if product is not None:
                svg = assets.product_svg(product)
                return self._send(
                    200, svg, "image/svg+xml; charset=utf-8", [("Cache-Control", "max-age=3600")]
                )
        if route in get_routes:
            raise _Response(200, get_routes[route]())
        raise _Response(200, self._dynamic(parts))

    def _dynamic(self, parts: list[str]) -> str:
        if len(parts) == 2 and parts[0] == "category" and parts[1] in CATEGORIES:
            return pages.category(self._view(), parts[1], in_category(parts[1]))
        if len(parts) == 2 and parts[0] == "product":
            product = find_product(parts[1])
            if product is not None:
                return pages.product_page(self._view(), product)
        if len(parts) == 3 and parts[0] == "order" and parts[2] == "confirmation":
            order = self.server.state.find_order(parts[1])
            if order is not None:
                return pages.confirmation(self._view(), order)
        if len(parts) == 2 and parts[0] == "orders":
            return self._orders(parts[1])
        raise self._not_found()

    def _search(self) -> str:
        query = self.query.get("q", "")
        return pages.search_results(self._view(query), query, search(query))

    def _cart(self, error: str = "") -> str:
        lines = self.server.state.cart(self.session)
        return pages.cart_page(self._view(), lines, totals_of(lines, self.server.fixed), error)

    def _cart_add(self) -> str:
        product = find_product(self.form.get("slug", ""))
        if product is None:
            raise self._not_found()
        quantity = parse_quantity(self.form.get("quantity", ""))
        if quantity is None:
            error = "Enter a quantity from 1 to 10."
            return pages.product_page(
                self._view(), product, self.form.get("quantity", "")[:20], error
            )
        self.server.state.add(self.session, product.slug, quantity)
        raise _Response(303, location="/cart")

    def _cart_update(self) -> str:
        quantity = parse_quantity(self.form.get("quantity", ""), minimum=0)
        if quantity is None:
            return self._cart("Enter a quantity from 0 to 10; 0 removes the item.")
        self.server.state.set_quantity(self.session, self.form.get("slug", ""), quantity)
        raise _Response(303, location="/cart")

    def _cart_remove(self) -> str:
        self.server.state.set_quantity(self.session, self.form.get("slug", ""), 0)
        raise _Response(303, location="/cart")

    def _checkout(self, values: Form | None = None, errors: dict[str, str] | None = None) -> str:
        lines = self.server.state.cart(self.session)
        if not lines:
            raise _Response(303, location="/cart")
        totals = totals_of(lines, self.server.fixed)
        return pages.checkout_page(self._view(), lines, totals, values or {}, errors or {})

    def _place_order(self) -> str:
        values = pick(self.form, CHECKOUT_FIELDS)
        errors = validate_checkout(values)
        if errors:
            return self._checkout(values, errors)
        order = self.server.state.place_order(self.session, values["email"], values["name"])
        if order is None:
            raise _Response(303, location="/cart")
        if self.server.smtp is not None:
            host, port = self.server.server_address[:2]
            base = f"http://{self.headers.get('Host') or f'{host}:{port}'}"
            fixed = self.server.fixed
            mail.send(self.server.smtp, mail.order_confirmation(order, base, fixed))
            mail.send(self.server.smtp, mail.newsletter(order, base, fixed))
            dispatch = mail.dispatch_notice(order, base, fixed)
            if fixed:  # the fixed shop's warehouse packs in no time
                mail.send(self.server.smtp, dispatch)
            else:  # MAIL-DISPATCH-LATE
                self.server.send_later(mail.DISPATCH_DELAY_S, dispatch)
        raise _Response(303, location=f"/order/{order.number}/confirmation")

    def _orders(self, number: str) -> str:
        order = None
        if number.strip():
            if not self.server.fixed:
                # PERF-SLOW-STATUS: the flawed shop stalls before the first byte.
                time.sleep(self.server.slow_ms / 1000)
                self.timing.append(f'stall;dur={self.server.slow_ms};desc="PERF-SLOW-STATUS"')
            order = self.server.state.find_order(number)
        status = 200 if order is not None or not self.route.startswith("/orders/") else 404
        raise _Response(status, pages.order_status(self._view(), number[:40], order))

    def _support(self, values: Form, errors: dict[str, str], sent: bool) -> str:
        return pages.support(self._view(), values, errors, sent)

    def _contact(self) -> str:
        values = pick(self.form, CONTACT_FIELDS)
        errors = validate_contact(values)
        if errors:
            return self._support(values, errors, sent=False)
        raise _Response(303, location="/support?sent=1#contact")


class DemoShop:
    """The bundled demo shop, flawed by default; `fixed=True` removes every seeded flaw.

    Use as a context manager or call `start()` / `stop()`. Port 0 picks a free port,
    so tests can run many shops in parallel.
    """

    def __init__(
        self,
        port: int = 0,
        fixed: bool = False,
        host: str = "127.0.0.1",
        slow_ms: int = SLOW_PAGE_DELAY_MS,
        smtp: tuple[str, int] | None = None,
        mailbox: SmtpSink | None = None,
    ) -> None:
        self.port, self.fixed, self.host, self.slow_ms = port, fixed, host, slow_ms
        #: The SMTP server order confirmations go to; else ``CXAUDIT_SMTP=host:port``.
        self.smtp = smtp if smtp is not None else smtp_from_env()
        #: A sink to list under ``/_mail`` (Mailpit's read API): runs in other
        #: processes read the shop's mail there. Its address is used when ``smtp`` is not given.
        self.mailbox = mailbox
        if mailbox is not None and smtp is None:
            self.smtp = mailbox.address
        self._server: _ShopServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def mail_url(self) -> str | None:
        """Where runs in another process read the shop's mail (``mail.mailpit.url``)."""
        return self.url + catcher.API_PATH if self.mailbox is not None else None

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. http://127.0.0.1:54321."""
        if self._server is None:
            raise RuntimeError("DemoShop is not running; call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> DemoShop:
        """Bind the port and serve in a daemon thread; returns self for chaining."""
        if self._server is None:
            self._server = _ShopServer(
                (self.host, self.port), self.fixed, self.slow_ms, self.smtp, self.mailbox
            )
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.1},
                name="demo-shop",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port; safe to call twice."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
            for timer in server.timers:
                timer.cancel()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> DemoShop:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def serve_forever(port: int, fixed: bool, host: str = "127.0.0.1") -> None:
    """Run the shop in the foreground until Ctrl-C (for `cxaudit demo serve`).

    The shop mails its own SMTP sink and lists the messages under ``/_mail``
    (Mailpit's read API), so journeys run from another terminal read them with
    ``CXAUDIT_MAILPIT=<shop>/_mail``. With ``CXAUDIT_SMTP=host:port`` the shop
    mails that server instead (a Mailpit of the team's) and keeps no sink.
    """
    sink = None if smtp_from_env() else SmtpSink(host, 0).start()
    shop = DemoShop(port=port, fixed=fixed, host=host, mailbox=sink).start()
    mode = "fixed" if fixed else "flawed"
    print(f"Northwind Outfitters demo shop ({mode}) at {shop.url}  (Ctrl-C to stop)", flush=True)
    if shop.mail_url:
        print(
            f"its mail: {shop.mail_url} (Mailpit's API); journeys in another terminal read it with\n"
            f"  CXAUDIT_MAILPIT={shop.mail_url} cxaudit run journeys/ --base-url {shop.url}",
            flush=True,
        )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        shop.stop()
        if sink is not None:
            sink.stop()


__all__ = ["SLOW_PAGE_DELAY_MS", "DemoShop", "serve_forever"]
