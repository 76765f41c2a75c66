/** The self-host check page (/check): a second entry of the web build, no login, no app code. */
import { checkIce, checkProxy, checkWebSocket } from './checks';
import { addCheck } from './report';

const list = document.getElementById('checks')!;
const ws = addCheck(list, 'WebSocket');
const proxy = addCheck(list, 'Proxy headers');
const candidates = addCheck(list, 'ICE candidates');
const turn = addCheck(list, 'TURN');
void checkWebSocket(ws);
void checkProxy(proxy);
void checkIce(candidates, turn);
