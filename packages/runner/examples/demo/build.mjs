// A stand-in build that crashes with an uncaught TypeError, as a broken config would.
function readConfig(config) {
  return config.output.dir;
}
console.log('building...');
readConfig({});
