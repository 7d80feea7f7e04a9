"""Fetching URLs named in API requests, only where the server's owner allowed it (no SSRF).

The API fetches nothing unless the server was started with an allow-list of host names
(:class:`FetchPolicy`, ``dyads serve --fetch-host``). Even then a URL is fetched only when:

* its scheme is ``http`` or ``https``, it has no user name or password, and its host name is on
  the list (exactly, or below a ``*.example.org`` entry; IP literals only when listed as such);
* every address the name resolves to is a public one: loopback (127.0.0.0/8, ::1), private
  (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16 with the cloud metadata address,
  fe80::/10), shared, reserved, multicast and unspecified addresses are refused, IPv4 addresses
  written inside IPv6 ones included, unless the address is inside a network the owner listed
  (``--fetch-network``);
* the connection goes to the address that was checked (the name is not resolved a second
  time by the HTTP client, so a DNS answer cannot change between the check and the connection);
* each redirect is checked the same way before it is followed (at most ``max_redirects``);
* the body stays under ``max_bytes`` and the whole fetch under ``timeout_s``; environment proxies
  are ignored.

Refusals are :class:`dyads.errors.ServerError` E627 (fetching is off, or the host is not on the
list) and E628 (the address is not a public one); a fetch that fails is E629.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dyads import __version__
from dyads.errors import ServerError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]

_REDIRECTS = (301, 302, 303, 307, 308)
_USER_AGENT = f"dyads/{__version__} (news event coder)"


class FetchPolicy(BaseModel):
    """Which URLs API requests may make the server fetch; by default none."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    hosts: tuple[str, ...] = Field(
        default=(), description="host names that may be fetched; '*.example.org' allows names below example.org"
    )
    networks: tuple[str, ...] = Field(
        default=(), description="non-public networks (CIDR) that listed hosts may still resolve to, e.g. 10.0.0.0/8"
    )
    max_urls: int = Field(default=20, ge=1, le=1000, description="most URLs in one request")
    max_bytes: int = Field(default=5_000_000, ge=1, description="largest body read from one URL")
    timeout_s: float = Field(default=15.0, gt=0, description="time for one URL, redirects included")
    max_redirects: int = Field(default=3, ge=0, le=10, description="redirects followed (each one checked)")

    @field_validator("hosts")
    @classmethod
    def _hosts(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        out = []
        for host in value:
            name = host.strip().lower().rstrip(".")
            bare = name.removeprefix("*.")
            if not bare or "/" in bare or "@" in bare or "*" in bare or " " in bare:
                raise ValueError(f"bad host {host!r}: give a host name such as news.example.org or *.example.org")
            out.append(name)
        return tuple(out)

    @field_validator("networks")
    @classmethod
    def _networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for network in value:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError as exc:
                raise ValueError(f"bad network {network!r}: give CIDR such as 10.0.0.0/8") from exc
        return value

    @property
    def enabled(self) -> bool:
        return bool(self.hosts)

    def allowed_networks(self) -> list[Network]:
        return [ipaddress.ip_network(n, strict=False) for n in self.networks]


def fetch_policy(*, hosts: tuple[str, ...] | list[str] = (), networks: tuple[str, ...] | list[str] = ()) -> FetchPolicy:
    """A :class:`FetchPolicy` from command-line lists (E627 for a bad host or network entry)."""
    try:
        return FetchPolicy(hosts=tuple(hosts), networks=tuple(networks))
    except ValidationError as exc:
        reason = "; ".join(str(error.get("msg", "invalid")) for error in exc.errors())
        raise ServerError("E627", f"bad fetch allow-list: {reason}", fix="--fetch-host news.example.org, --fetch-network 10.0.0.0/8") from exc


class Fetched(BaseModel):
    """What one allowed URL returned."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(description="the URL the body came from, after redirects")
    content_type: str
    data: bytes


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host`` (E629 when it gives none)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise ServerError("E629", f"cannot resolve {host!r}: {exc}", fix="check the host name") from exc
    return sorted({str(info[4][0]) for info in infos})


def _refuse_host(host: str) -> ServerError:
    return ServerError(
        "E627", f"fetching {host!r} is not allowed on this server",
        fix="post the article text instead, or start the server with --fetch-host for this host",
    )


def host_allowed(host: str, policy: FetchPolicy) -> bool:
    """True when ``host`` (lower case, no trailing dot) is on the policy's list."""
    for entry in policy.hosts:
        if entry.startswith("*."):
            if host.endswith(entry[1:]) and host != entry[2:]:
                return True
        elif host == entry:
            return True
    return False


def public_address(address: Address) -> bool:
    """True for an address on the public internet (not loopback, private, link-local, reserved...)."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if inner is not None and not public_address(inner):
            return False
    return address.is_global and not (
        address.is_loopback or address.is_link_local or address.is_private or address.is_multicast
        or address.is_reserved or address.is_unspecified
    )


def check_url(url: str, policy: FetchPolicy) -> tuple[str, str, int]:
    """The URL's (scheme, host, port) when the policy allows its form and host (E627, E620)."""
    if not policy.enabled:
        raise ServerError(
            "E627", "this server does not fetch URLs",
            fix="post the article text instead, or start the server with --fetch-host HOST",
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ServerError("E620", f"bad URL {url!r}: {exc}", fix="give an http:// or https:// URL") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ServerError("E620", f"bad URL {url!r}", fix="give an http:// or https:// URL with a host")
    if parts.username is not None or parts.password is not None:
        raise ServerError("E620", f"URL {url!r} carries a user name or password", fix="leave credentials out of URLs")
    host = parts.hostname.lower().rstrip(".")
    if not host_allowed(host, policy):
        raise _refuse_host(host)
    return scheme, host, port or (443 if scheme == "https" else 80)


def checked_addresses(host: str, port: int, policy: FetchPolicy, *, resolve: Resolver) -> list[Address]:
    """The host's addresses, once every one of them is allowed (E628 otherwise)."""
    allowed = policy.allowed_networks()
    found: list[Address] = []
    for text in resolve(host, port):
        address = ipaddress.ip_address(text.split("%", 1)[0])
        if not public_address(address) and not any(address in network for network in allowed):
            raise ServerError(
                "E628", f"{host!r} resolves to {address}, which is not a public address; not fetched",
                fix="fetch only public hosts, or list the network with --fetch-network if it is yours",
            )
        found.append(address)
    if not found:
        raise ServerError("E629", f"cannot resolve {host!r}", fix="check the host name")
    return found


def check_target(url: str, policy: FetchPolicy, *, resolve: Resolver = system_resolver) -> list[Address]:
    """Everything checked before a URL is fetched: form, host, addresses (E620, E627, E628)."""
    _, host, port = check_url(url, policy)
    return checked_addresses(host, port, policy, resolve=resolve)


def fetch_allowed(
    url: str, policy: FetchPolicy, *, resolve: Resolver = system_resolver, transport: httpx.BaseTransport | None = None
) -> Fetched:
    """GET ``url`` under ``policy``: every hop checked, connected to the checked address.

    Raises:
        ServerError: E620 bad URL, E627 host not allowed, E628 not a public address, E629 the
            fetch failed (status, size, time, too many redirects).
    """
    deadline = time.monotonic() + policy.timeout_s
    current = url
    with httpx.Client(trust_env=False, follow_redirects=False, transport=transport) as client:
        for _ in range(policy.max_redirects + 1):
            scheme, host, port = check_url(current, policy)
            address = checked_addresses(host, port, policy, resolve=resolve)[0]
            response_url, status, content_type, data, location = _get(
                client, current, scheme=scheme, host=host, port=port, address=address, policy=policy, deadline=deadline
            )
            if status in _REDIRECTS:
                if not location:
                    raise ServerError("E629", f"{current}: redirect without a Location", fix="check the URL")
                current = urljoin(current, location)
                continue
            if not 200 <= status < 300:
                raise ServerError("E629", f"{current}: HTTP {status}", fix="check the URL")
            return Fetched(url=response_url, content_type=content_type, data=data)
    raise ServerError("E629", f"{url}: more than {policy.max_redirects} redirects", fix="give the final URL")


def _get(
    client: httpx.Client, url: str, *, scheme: str, host: str, port: int, address: Address,
    policy: FetchPolicy, deadline: float,
) -> tuple[str, int, str, bytes, str | None]:
    """One GET to ``address`` (the checked one), with the Host header and TLS name of ``host``."""
    parts = urlsplit(url)
    literal = f"[{address}]" if isinstance(address, ipaddress.IPv6Address) else str(address)
    pinned = urlunsplit((scheme, f"{literal}:{port}", parts.path or "/", parts.query, ""))
    default_port = port == (443 if scheme == "https" else 80)
    headers = {"Host": host if default_port else f"{host}:{port}", "User-Agent": _USER_AGENT, "Accept": "*/*"}
    left = deadline - time.monotonic()
    if left <= 0:
        raise ServerError("E629", f"{url}: took longer than {policy.timeout_s} s", fix="retry later")
    try:
        with client.stream(
            "GET", pinned, headers=headers, timeout=left, extensions={"sni_hostname": host} if scheme == "https" else {}
        ) as response:
            if response.status_code in _REDIRECTS or not 200 <= response.status_code < 300:
                return url, response.status_code, "", b"", response.headers.get("location")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > policy.max_bytes:
                raise ServerError("E629", f"{url}: body of {declared} bytes is over {policy.max_bytes}", fix="fetch a smaller page")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > policy.max_bytes:
                    raise ServerError("E629", f"{url}: body over {policy.max_bytes} bytes", fix="fetch a smaller page")
                if time.monotonic() > deadline:
                    raise ServerError("E629", f"{url}: took longer than {policy.timeout_s} s", fix="retry later")
                chunks.append(chunk)
            content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            return url, response.status_code, content_type, b"".join(chunks), None
    except httpx.HTTPError as exc:
        raise ServerError("E629", f"{url}: cannot fetch: {type(exc).__name__}", fix="check the URL or retry later") from exc
