// A stand-in dev server: prints its address like Vite does, warns once, then stays up.
import { createServer } from 'node:http';

const server = createServer((_req, res) => res.end('hello from the demo\n'));
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`\u001b[32m  ➜  Local:\u001b[39m   http://127.0.0.1:${port}/`);
  console.warn('Warning: the demo config option "legacy" is deprecated');
});
