"""The review web app: an analyst's inbox, event, company, network and sources pages.

A FastAPI app (app.create_app) over services/: it never writes SQL and never imports
Airflow. Who the user is comes from an Authenticator handed in by the face that
serves it; airflow_plugin.py is that face inside the Airflow API server.
"""
