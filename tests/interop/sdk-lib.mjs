// SPDX-License-Identifier: ISC
// What the sdk-*.mjs interop scripts share: the server URL from argv, an
// overall watchdog, one JSON line per check, exit 0 when all passed.
export function harness(script) {
  const url = process.argv[2];
  if (!url) {
    console.error(`usage: node ${script} <server-url>`);
    process.exit(2);
  }
  const watchdog = setTimeout(() => {
    console.error(`${script}: overall timeout`);
    process.exit(1);
  }, 60000);
  let failures = 0;
  const check = (name, ok, detail) => {
    if (!ok) failures++;
    console.log(JSON.stringify({ check: name, ok: !!ok, detail }));
  };
  const finish = () => {
    clearTimeout(watchdog);
    process.exit(failures ? 1 : 0);
  };
  return { url, check, finish };
}
