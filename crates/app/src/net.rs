//! The client's address, for the audit log and the public help page's
//! limits. Behind a reverse proxy every request comes from the proxy, so
//! one person's limit would block everyone; the proxy's `X-Forwarded-For`
//! is believed only from the proxies the configuration names
//! (`trusted_proxies`), never from anyone else, who could write any
//! address into it.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;

/// A trusted proxy: one address, or a range in CIDR notation (a proxy
/// pool behind a load balancer, a carrier-grade gateway's block).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct ProxyNet(ipnet::IpNet);

impl ProxyNet {
    pub fn contains(&self, addr: &IpAddr) -> bool {
        self.0.contains(addr)
    }
}

impl std::str::FromStr for ProxyNet {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.contains('/') {
            s.parse::<ipnet::IpNet>()
                .map(|n| ProxyNet(n.trunc()))
                .map_err(|_| format!("{s} is not an IP range"))
        } else {
            s.parse::<IpAddr>()
                .map(|a| ProxyNet(ipnet::IpNet::from(a)))
                .map_err(|_| format!("{s} is not an IP address"))
        }
    }
}

impl TryFrom<String> for ProxyNet {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

/// The client's address when the server runs with connect info; `None` in
/// in-process tests.
pub struct ClientIp(pub Option<String>);

/// The address [`resolve`] decided for this request.
#[derive(Clone, Copy)]
struct ClientAddr(IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let resolved = parts.extensions.get::<ClientAddr>().map(|a| a.0);
        let peer = || {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ci| ci.0.ip())
        };
        Ok(ClientIp(resolved.or_else(peer).map(|a| a.to_string())))
    }
}

/// Decides each request's client address once, before any handler.
pub async fn resolve(
    State(trusted): State<Arc<[ProxyNet]>>,
    mut req: Request,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip());
    if let Some(peer) = peer {
        let addr = client_of(peer, req.headers(), &trusted);
        req.extensions_mut().insert(ClientAddr(addr));
    }
    next.run(req).await
}

/// The peer, unless the peer is a trusted proxy: then the nearest address
/// of `X-Forwarded-For` that is not a trusted proxy, read from the right,
/// since each proxy appends the address it saw. A malformed entry ends the
/// walk at the last proxy: nothing left of it can be believed.
pub fn client_of(peer: IpAddr, headers: &HeaderMap, trusted: &[ProxyNet]) -> IpAddr {
    let is_trusted = |a: &IpAddr| trusted.iter().any(|n| n.contains(a));
    let mut client = peer;
    if !is_trusted(&client) {
        return client;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(addr) => {
                client = addr;
                if !is_trusted(&addr) {
                    return addr;
                }
            }
            Err(_) => return client,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn net(s: &str) -> ProxyNet {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_addresses_are_believed_from_trusted_proxies_only() {
        let proxy = [net("10.0.0.2")];
        let h = headers(&["203.0.113.7"]);
        assert_eq!(client_of(ip("10.0.0.2"), &h, &proxy), ip("203.0.113.7"));
        // Anyone else may write anything: the peer it is.
        assert_eq!(
            client_of(ip("198.51.100.1"), &h, &proxy),
            ip("198.51.100.1")
        );
        assert_eq!(client_of(ip("10.0.0.2"), &h, &[]), ip("10.0.0.2"));
    }

    #[test]
    fn the_nearest_untrusted_hop_is_the_client() {
        let proxies = [net("10.0.0.2"), net("10.0.0.3")];
        // A client who forged a first entry: the proxy appended the real one.
        let h = headers(&["1.2.3.4, 203.0.113.7", "10.0.0.3"]);
        assert_eq!(client_of(ip("10.0.0.2"), &h, &proxies), ip("203.0.113.7"));
        // A malformed entry stops the walk at the last proxy.
        let h = headers(&["203.0.113.7, garbage"]);
        assert_eq!(client_of(ip("10.0.0.2"), &h, &proxies), ip("10.0.0.2"));
        // No header: the proxy itself.
        assert_eq!(
            client_of(ip("10.0.0.2"), &HeaderMap::new(), &proxies),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn a_range_of_proxies_is_trusted_as_a_whole() {
        let pool = [net("10.8.0.0/16"), net("2001:db8::/32")];
        let h = headers(&["203.0.113.7, 10.8.3.4"]);
        assert_eq!(client_of(ip("10.8.200.1"), &h, &pool), ip("203.0.113.7"));
        assert_eq!(client_of(ip("10.9.0.1"), &h, &pool), ip("10.9.0.1"));
        assert_eq!(client_of(ip("2001:db8::5"), &h, &pool), ip("203.0.113.7"));
        // Written with host bits set, the range is the network it names.
        assert_eq!(net("10.8.7.7/16"), net("10.8.0.0/16"));
        assert!("10.8.0.0/40".parse::<ProxyNet>().is_err());
        assert!("proxy.local".parse::<ProxyNet>().is_err());
    }
}
