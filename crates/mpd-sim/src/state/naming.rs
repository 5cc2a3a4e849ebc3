//! Device naming: kernel disk names, map aliases (user_friendly_names),
//! disk `major:minor` numbers, and the device-node blacklist.

/// Major numbers of the sd driver's first 256 disks.
const SD_MAJORS: [u32; 16] = [
    8, 65, 66, 67, 68, 69, 70, 71, 128, 129, 130, 131, 132, 133, 134, 135,
];

/// `sda`, …, `sdz`, `sdaa`, … (the kernel's `sd_format_disk_name`).
pub fn disk_name(index: usize) -> String {
    format!("sd{}", letters(index))
}

/// `mpatha`, …, `mpathz`, `mpathaa`, … (user_friendly_names).
pub fn map_alias(index: usize) -> String {
    format!("mpath{}", letters(index))
}

/// Bijective base-26 letters: 0 → a, 25 → z, 26 → aa.
fn letters(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'a' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

pub(super) fn disk_dev_t(index: usize) -> String {
    if index < 256 {
        format!("{}:{}", SD_MAJORS[index / 16], (index % 16) * 16)
    } else {
        // Beyond 256 disks the kernel hands out extended dev_t (blkext).
        format!("259:{}", index - 256)
    }
}

/// The default device-node blacklist of the recorded set-up:
/// `devnode "!^(sd[a-z]|dasd[a-z]|nvme[0-9])"`.
pub fn devnode_allowed(dev: &str) -> bool {
    let b = dev.as_bytes();
    let lower = |i: usize| b.get(i).is_some_and(|c| c.is_ascii_lowercase());
    (dev.starts_with("sd") && lower(2))
        || (dev.starts_with("dasd") && lower(4))
        || (dev.starts_with("nvme") && b.get(4).is_some_and(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(disk_name(0), "sda");
        assert_eq!(disk_name(25), "sdz");
        assert_eq!(disk_name(26), "sdaa");
        assert_eq!(disk_name(27), "sdab");
        assert_eq!(disk_name(701), "sdzz");
        assert_eq!(disk_name(702), "sdaaa");
        assert_eq!(map_alias(1), "mpathb");
        assert_eq!(disk_dev_t(0), "8:0");
        assert_eq!(disk_dev_t(3), "8:48");
        assert_eq!(disk_dev_t(16), "65:0");
        assert_eq!(disk_dev_t(256), "259:0");
    }

    #[test]
    fn blacklist() {
        assert!(devnode_allowed("sda"));
        assert!(devnode_allowed("sdzz"));
        assert!(devnode_allowed("nvme0n1"));
        assert!(!devnode_allowed("dm-0"));
        assert!(!devnode_allowed("nosuchpath"));
        assert!(!devnode_allowed("sd"));
        assert!(!devnode_allowed("sdA"));
    }
}
