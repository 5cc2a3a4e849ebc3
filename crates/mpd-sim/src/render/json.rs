//! `show maps json` and `show map M json`: the daemon's hand-made JSON
//! (values printed with `%s`, no escaping), byte for byte.

use super::fields::{self, GROUP_FIELDS};
use super::table::{expand_into, text};
use crate::state::{SimMap, State};
use crate::version::Version;

const JSON_MAP: &str = concat!(
    "{\n",
    "      \"name\" : \"%n\",\n",
    "      \"uuid\" : \"%w\",\n",
    "      \"sysfs\" : \"%d\",\n",
    "      \"failback\" : \"%F\",\n",
    "      \"queueing\" : \"%Q\",\n",
    "      \"paths\" : %N,\n",
    "      \"write_prot\" : \"%r\",\n",
    "      \"dm_st\" : \"%t\",\n",
    "      \"features\" : \"%f\",\n",
    "      \"hwhandler\" : \"%h\",\n",
    "      \"action\" : \"%A\",\n",
    "      \"path_faults\" : %0,\n",
    "      \"vend\" : \"%v\",\n",
    "      \"prod\" : \"%p\",\n",
    "      \"rev\" : \"%e\",\n",
    "      \"switch_grp\" : %1,\n",
    "      \"map_loads\" : %2,\n",
    "      \"total_q_time\" : %3,\n",
    "      \"q_timeouts\" : %4,"
);

const JSON_GROUP: &str = concat!(
    "{\n",
    "         \"selector\" : \"%s\",\n",
    "         \"pri\" : %p,\n",
    "         \"dm_st\" : \"%t\",\n",
    "         \"marginal_st\" : \"%M\","
);

const JSON_PATH_HEAD: &str = concat!(
    "{\n",
    "            \"dev\" : \"%d\",\n",
    "            \"dev_t\" : \"%D\",\n",
    "            \"dm_st\" : \"%t\",\n",
    "            \"dev_st\" : \"%o\",\n",
    "            \"chk_st\" : \"%T\",\n",
    "            \"checker\" : \"%c\",\n",
    "            \"pri\" : %p,\n",
    "            \"host_wwnn\" : \"%N\",\n",
    "            \"target_wwnn\" : \"%n\",\n",
    "            \"host_wwpn\" : \"%R\",\n",
    "            \"target_wwpn\" : \"%r\",\n",
    "            \"host_adapter\" : \"%a\",\n"
);
const JSON_PATH_LUN: &str = "            \"lun_hex\" : \"%L\",\n";
const JSON_PATH_TAIL: &str = "            \"marginal_st\" : \"%M\"";

fn indent(n: usize) -> String {
    " ".repeat(n * 3)
}

fn footer(out: &mut Vec<u8>, level: usize, last: bool) {
    out.extend_from_slice(indent(level).as_bytes());
    out.extend_from_slice(if last { b"}" } else { b"}," });
}

fn header(out: &mut Vec<u8>) {
    out.extend_from_slice("{\n   \"major_version\": 0,\n   \"minor_version\": 1,\n".as_bytes());
}

fn map_fields(st: &State, v: Version, m: &SimMap, out: &mut Vec<u8>, last: bool) {
    let fs = fields::map_fields(v);
    expand_into(
        out,
        v,
        JSON_MAP,
        fs,
        &|i| fields::map_value(st, v, m, fs[i].wc),
        None,
    );
    out.extend_from_slice(indent(2).as_bytes());
    out.extend_from_slice("\"path_groups\": [".as_bytes());
    let path_format = if v == Version::V0_8_5 {
        format!("{JSON_PATH_HEAD}{JSON_PATH_TAIL}")
    } else {
        format!("{JSON_PATH_HEAD}{JSON_PATH_LUN}{JSON_PATH_TAIL}")
    };
    let pfs = fields::path_fields(v);
    for (i, g) in m.groups.iter().enumerate() {
        expand_into(
            out,
            v,
            JSON_GROUP,
            &GROUP_FIELDS,
            &|k| fields::group_value(st, g, GROUP_FIELDS[k].wc),
            None,
        );
        out.extend_from_slice(format!("{}\"group\" : {},\n", indent(3), i + 1).as_bytes());
        out.extend_from_slice(indent(3).as_bytes());
        out.extend_from_slice("\"paths\": [".as_bytes());
        let paths: Vec<_> = g.paths.iter().filter_map(|d| st.path(d)).collect();
        for (j, p) in paths.iter().enumerate() {
            expand_into(
                out,
                v,
                &path_format,
                pfs,
                &|k| fields::path_value(st, v, p, pfs[k].wc),
                None,
            );
            footer(out, 3, j + 1 == paths.len());
        }
        out.extend_from_slice("]\n".as_bytes());
        footer(out, 2, i + 1 == m.groups.len());
    }
    out.extend_from_slice("]\n".as_bytes());
    footer(out, 1, last);
}

/// `show maps json`.
pub(crate) fn maps_json(st: &State, v: Version) -> String {
    let mut out = Vec::new();
    header(&mut out);
    out.extend_from_slice(indent(1).as_bytes());
    out.extend_from_slice("\"maps\": [".as_bytes());
    for (i, m) in st.maps.iter().enumerate() {
        map_fields(st, v, m, &mut out, i + 1 == st.maps.len());
    }
    out.extend_from_slice("]\n".as_bytes());
    out.extend_from_slice("}\n".as_bytes());
    text(out)
}

/// `show map M json`.
pub(crate) fn map_json(st: &State, v: Version, m: &SimMap) -> String {
    let mut out = Vec::new();
    header(&mut out);
    out.extend_from_slice("   \"map\":".as_bytes());
    map_fields(st, v, m, &mut out, true);
    out.push(b'\n');
    out.extend_from_slice("}\n".as_bytes());
    text(out)
}
