//! `Client::connect()` honours MULTIPATH_SOCKET_NAME, as libmpathcmd 0.12+
//! does. (Its own test binary: it changes the process environment.)

mod common;

use common::{Fake, Response};
use mpd_client::{Address, Client, Error, SOCKET_ENV};

#[test]
fn environment_variable_overrides_the_address() {
    let fake = Fake::start_abstract(|_| Response::Text("pid 7 idle\n".into()));
    std::env::set_var(SOCKET_ENV, &fake.address);
    assert_eq!(Address::discover(), vec![Address::parse(&fake.address)]);
    let mut c = Client::connect().unwrap();
    assert_eq!(c.daemon_state().unwrap().pid, 7);

    let path_fake = Fake::start_path(|_| Response::Text("pid 8 idle\n".into()));
    std::env::set_var(SOCKET_ENV, &path_fake.address);
    assert_eq!(Client::connect().unwrap().daemon_state().unwrap().pid, 8);

    std::env::set_var(SOCKET_ENV, "@mpd-client-test-discovery-nobody");
    match Client::connect().unwrap_err() {
        Error::Connect { address, .. } => assert_eq!(address, "@mpd-client-test-discovery-nobody"),
        other => panic!("{other}"),
    }

    // Unset (or empty): the pathname socket if present, then the abstract name.
    std::env::set_var(SOCKET_ENV, "");
    let found = Address::discover();
    assert_eq!(found.last(), Some(&Address::default_abstract()));
    std::env::remove_var(SOCKET_ENV);
}
