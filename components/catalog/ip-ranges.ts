/**
 * IPv4 ranges with a fixed meaning. Pure: no Pulumi runtime import.
 *
 * Documentation ranges (TEST-NET-1, -2 and -3): RFC 5737, section 3: "for use in documentation",
 * never routed on the Internet. As a control plane's authorized network they let no one in: a
 * stack that ships them cannot reach its own API server.
 */
export const DOCUMENTATION_RANGES = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"] as const;

/** Do two IPv4 CIDR blocks share any address? */
export function cidrsOverlap(a: string, b: string): boolean {
  const parse = (cidr: string) => {
    const [ip, bits] = cidr.split("/");
    const value = ip.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
    const size = 2 ** (32 - Number(bits));
    const start = Math.floor(value / size) * size;
    return [start, start + size - 1];
  };
  const [aStart, aEnd] = parse(a);
  const [bStart, bEnd] = parse(b);
  return aStart <= bEnd && bStart <= aEnd;
}

/** The documentation range a CIDR block falls in or overlaps, if any. */
export function documentationRangeOf(cidr: string): string | undefined {
  return DOCUMENTATION_RANGES.find((range) => cidrsOverlap(cidr, range));
}
