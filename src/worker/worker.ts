import * as Comlink from 'comlink';
import { createLabApi } from './api.ts';

Comlink.expose(createLabApi());
