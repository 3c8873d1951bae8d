/**
 * The DynamoDB tables, built from the same definitions the local emulators use
 * (shared/store/table-definitions.ts): on-demand, point-in-time recovery, AWS-managed encryption, TTL where
 * defined. Grants are per table and per index ARN (no `*` actions, no `index/*` resources).
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  TABLE_DEFINITIONS,
  TABLE_LOGICAL_NAMES,
  tableEnvVar,
  type TableLogicalName,
} from '../../shared/store/table-definitions.js';

export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:DescribeTable'] as const;
export const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'] as const;
/** The trading lease (shared/store/trading-lease-repository.ts): read, conditional update, conditional delete. */
export const LEASE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] as const;

export interface StateTablesProps {
  retainData: boolean;
  /** Fixed physical names (the leases table: other stages read it); the rest keep generated names. */
  tableNames?: Partial<Record<TableLogicalName, string>>;
}

export class StateTables extends Construct {
  readonly tables: Readonly<Record<TableLogicalName, dynamodb.Table>>;

  constructor(scope: Construct, id: string, props: StateTablesProps) {
    super(scope, id);
    const tables = {} as Record<TableLogicalName, dynamodb.Table>;
    for (const name of TABLE_LOGICAL_NAMES) {
      const def = TABLE_DEFINITIONS[name];
      const cdkKey = (k: { name: string; type: 'S' | 'N' }): dynamodb.Attribute => ({
        name: k.name,
        type: k.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
      });
      const table = new dynamodb.Table(this, pascal(name), {
        partitionKey: cdkKey(def.partitionKey),
        ...(def.sortKey ? { sortKey: cdkKey(def.sortKey) } : {}),
        ...(props.tableNames?.[name] ? { tableName: props.tableNames[name] } : {}),
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: dynamodb.TableEncryption.AWS_MANAGED,
        deletionProtection: props.retainData,
        removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        ...(def.ttlAttribute ? { timeToLiveAttribute: def.ttlAttribute } : {}),
      });
      for (const ix of def.indexes) {
        table.addGlobalSecondaryIndex({
          indexName: ix.indexName,
          partitionKey: cdkKey(ix.partitionKey),
          ...(ix.sortKey ? { sortKey: cdkKey(ix.sortKey) } : {}),
          projectionType: dynamodb.ProjectionType.ALL,
        });
      }
      tables[name] = table;
    }
    this.tables = tables;
  }

  /** Grants exactly `actions` on the table and its named indexes, and sets the table-name variable. */
  grant(
    grantee: iam.IGrantable & { addEnvironment?: (k: string, v: string) => unknown },
    name: TableLogicalName,
    access: 'read' | 'readWrite',
  ): void {
    const table = this.tables[name];
    const actions = access === 'read' ? [...TABLE_READ_ACTIONS] : [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS];
    const resources = [table.tableArn, ...TABLE_DEFINITIONS[name].indexes.map((ix) => `${table.tableArn}/index/${ix.indexName}`)];
    iam.Grant.addToPrincipal({ grantee, actions, resourceArns: resources });
  }

  /**
   * Grants the trading-lease actions (get, conditional update, conditional delete) on exactly the leases
   * table's ARN (it has no index), and nothing else: only the bot task takes the lease.
   */
  grantLease(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: [...LEASE_ACTIONS], resourceArns: [this.tables.leases.tableArn] });
  }

  /** GetItem only, on other stages' leases tables (by name): the peer-lease check before trading live. */
  grantPeerLeaseRead(grantee: iam.IGrantable, tableNames: readonly string[]): void {
    if (tableNames.length === 0) return;
    const stack = Stack.of(this);
    const arns = tableNames.map((t) => stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: t }));
    iam.Grant.addToPrincipal({ grantee, actions: ['dynamodb:GetItem'], resourceArns: arns });
  }

  /** Environment variables (TABLE_ORDERS=…) for the given tables. */
  environment(names: readonly TableLogicalName[]): Record<string, string> {
    return Object.fromEntries(names.map((n) => [tableEnvVar(n), this.tables[n].tableName]));
  }
}

function pascal(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1) + 'Table';
}
